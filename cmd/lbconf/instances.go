package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/internal/safetext"
)

func instancesCommand() *cli.Command {
	return &cli.Command{
		Name:  "instances",
		Usage: "list the load balancer instances: UUID, name, status, HAProxy version, mode and VIPs",
		Description: "MODE is basic when the instance runs basic strategies (IsCustomConf 0) and custom when it runs " +
			"an advanced config (IsCustomConf 1). Credentials come from CDS_SECRET_ID and CDS_SECRET_KEY. " +
			"Exit status: 0 listed, 2 usage or API errors.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text (a table) or json"},
			&cli.StringFlag{Name: "tag", Usage: "only the instances that carry this tag (DescribeLoadBalancers' TagName filter)"},
		}, apiFlags()...),
		Action: instancesAction,
	}
}

// instanceRow is one instance as `instances --format json` prints it.
type instanceRow struct {
	InstanceUuid string       `json:"InstanceUuid"`
	InstanceName string       `json:"InstanceName"`
	Status       string       `json:"Status"`
	Version      string       `json:"Version"`
	Mode         string       `json:"Mode"`
	IsCustomConf int          `json:"IsCustomConf"`
	Vips         []cdsapi.Vip `json:"Vips"`
}

func instancesAction(c *cli.Context) error {
	format := c.String("format")
	if format != "text" && format != "json" {
		return usageErr("--format %q is not supported: use text or json", format)
	}
	if c.NArg() > 0 {
		return usageErr("instances takes no arguments")
	}
	client, err := apiClient(c)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(c)
	defer stop()
	list, err := client.DescribeLoadBalancers(ctx, cdsapi.DescribeLoadBalancersRequest{TagName: c.String("tag")})
	if err != nil {
		return apiExit(fmt.Errorf("listing the instances: %w", err))
	}
	rows := make([]instanceRow, 0, len(list))
	for _, lb := range list {
		mode := "basic"
		if lb.CustomConf() {
			mode = "custom"
		}
		vips := lb.Vips
		if vips == nil {
			vips = []cdsapi.Vip{}
		}
		for i, v := range vips {
			vips[i] = cdsapi.Vip{IP: safetext.Network(v.IP), Type: safetext.Network(v.Type)}
		}
		// Every string came from the network: cut and escaped in every
		// format.
		rows = append(rows, instanceRow{InstanceUuid: safetext.Network(lb.InstanceUuid), InstanceName: safetext.Network(lb.InstanceName),
			Status: safetext.Network(lb.Status), Version: safetext.Network(lb.Version), Mode: mode, IsCustomConf: lb.IsCustomConf, Vips: vips})
	}
	if format == "json" {
		b, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return &exitErr{code: exitError, err: fmt.Errorf("encoding the list: %w", err)}
		}
		return writeOutput(c, "", append(b, '\n'))
	}
	if len(rows) == 0 {
		fmt.Fprintln(c.App.ErrWriter, "lbconf: no instances")
		return nil
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "UUID\tNAME\tSTATUS\tVERSION\tMODE\tVIPS")
	for _, r := range rows {
		var vips []string
		for _, v := range r.Vips {
			vips = append(vips, fmt.Sprintf("%s (%s)", v.IP, v.Type))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.InstanceUuid, dash(r.InstanceName), dash(r.Status), dash(r.Version), r.Mode, dash(strings.Join(vips, ", ")))
	}
	if err := tw.Flush(); err != nil {
		return &exitErr{code: exitError, err: err}
	}
	return writeOutput(c, "", []byte(b.String()))
}

// dash shows an empty table cell as "-" and keeps control characters
// (tabs, newlines) out of the table.
func dash(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
