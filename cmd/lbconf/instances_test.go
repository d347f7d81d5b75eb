package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/cdsapi/fakecds/fakecdstest"
	"github.com/lbconf/lbconf/model"
)

func TestInstancesCommand(t *testing.T) {
	e := newCLIEnv(t, fakecds.Options{})
	code, out, errOut := runCLI(t, "", "instances")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("table:\n%s", out)
	}
	for i, want := range [][]string{
		{"UUID", "NAME", "STATUS", "VERSION", "MODE", "VIPS"},
		{customUUID, "web", "RUNNING", "2.4.22", "custom", "10.0.0.10 (private), 203.0.113.7 (public)"},
		{basicUUID, "db", "RUNNING", "1.8.3", "basic", "-"},
	} {
		for _, cell := range want {
			if !strings.Contains(lines[i], cell) {
				t.Errorf("line %d %q lacks %q", i, lines[i], cell)
			}
		}
	}
	// Columns line up.
	if strings.Index(lines[0], " MODE ") != strings.Index(lines[1], " custom ") || strings.Index(lines[0], " VIPS") != strings.Index(lines[2], " -") {
		t.Errorf("columns do not line up:\n%s", out)
	}

	code, out, _ = runCLI(t, "", "instances", "--format", "json")
	var rows []instanceRow
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 2 || rows[0].Mode != "custom" || rows[1].Vips == nil {
		t.Errorf("json: exit %d, %s", code, out)
	}

	e.srv.InjectFault(cdsapi.ActionDescribeLoadBalancers, fakecds.Fault{Kind: fakecds.FaultResourceInUse, Times: 1})
	code, _, errOut = runCLI(t, "", "instances")
	if code != 2 || !strings.Contains(errOut, "ResourceInUse") {
		t.Errorf("fault: exit %d, %s", code, errOut)
	}
	e.srv.InjectFault(cdsapi.ActionDescribeLoadBalancers, fakecds.Fault{Kind: fakecds.FaultMalformedJSON, Times: 1})
	code, _, errOut = runCLI(t, "", "instances")
	if code != 2 || !strings.Contains(errOut, "malformed") {
		t.Errorf("malformed: exit %d, %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "instances", "--format", "xml")
	if code != 2 || !strings.Contains(errOut, "text or json") {
		t.Errorf("format: exit %d, %s", code, errOut)
	}
}

func TestInstancesEmptyAndOddNames(t *testing.T) {
	fo := fakecds.Options{AccessKeyID: testAccessKeyID, SecretKey: testSecretKey}
	srv := fakecds.NewServer(fo)
	defer srv.Close()
	fakecdstest.Setenv(t, srv, fo)
	code, out, errOut := runCLI(t, "", "instances")
	if code != 0 || out != "" || !strings.Contains(errOut, "no instances") {
		t.Errorf("empty: exit %d, %q, %q", code, out, errOut)
	}
	srv.AddInstance(fakecds.Instance{InstanceUuid: "lb-1", InstanceName: "a\tb\nc\x1b[2J"}, modelListeners(), "")
	code, out, _ = runCLI(t, "", "instances")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, `a\tb\nc\x1b[2J`) || strings.Contains(out, "\x1b") {
		t.Errorf("odd name: exit %d\n%s", code, out)
	}
}

// TestInstancesTag: --tag sends DescribeLoadBalancers' TagName filter.
func TestInstancesTag(t *testing.T) {
	e := newCLIEnv(t, fakecds.Options{})
	e.srv.AddInstance(fakecds.Instance{InstanceUuid: "5d8a2c1e-73f7-11ee-8a3c-0ad4b19c4d62", InstanceName: "tagged", Version: "2.6",
		Tags: []cdsapi.Tag{{TagID: "24644", TagName: "test_tag"}}}, model.Listeners{}, "")
	code, out, errOut := runCLI(t, "", "instances", "--tag", "test_tag")
	if code != 0 || !strings.Contains(out, "tagged") || strings.Contains(out, basicUUID) || strings.Contains(out, customUUID) {
		t.Errorf("--tag test_tag: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "instances", "--tag", "nope")
	if code != 0 || strings.Contains(out, "tagged") || !strings.Contains(errOut, "no instances") {
		t.Errorf("--tag nope: exit %d\n%s%s", code, out, errOut)
	}
}
