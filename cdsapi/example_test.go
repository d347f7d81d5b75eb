package cdsapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

// exampleServer starts a fake with one instance. Real programs get their
// credentials from cdsapi.CredentialsFromEnv and leave Endpoint empty or
// set it to a region.
func exampleServer() *fakecds.Server {
	srv := fakecds.NewServer(fakecds.Options{})
	srv.AddInstance(fakecds.Instance{
		InstanceUuid: "0311fb08-73f7-11ee-8a3c-0ad4b19c4d62", InstanceName: "web-lb", Version: "2.4",
		Vips: []cdsapi.Vip{{IP: "66.66.0.52", Type: "public"}},
	}, model.Listeners{TcpListeners: []model.TcpListener{{ListenerName: "db", ListenerPort: 3306, ListenerMode: "tcp"}}}, "")
	return srv
}

func ExampleClient_DescribeLoadBalancers() {
	srv := exampleServer()
	defer srv.Close()
	client, err := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	list, err := client.DescribeLoadBalancers(context.Background(), cdsapi.DescribeLoadBalancersRequest{})
	if err != nil {
		log.Fatal(err)
	}
	for _, lb := range list {
		fmt.Println(lb.InstanceName, lb.IP, lb.Status, "custom:", lb.CustomConf())
	}
	// Output: web-lb 66.66.0.52 RUNNING custom: false
}

func ExampleClient_DescribeLoadBalancerStrategys() {
	srv := exampleServer()
	defer srv.Close()
	client, err := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	listeners, err := client.DescribeLoadBalancerStrategys(context.Background(), "0311fb08-73f7-11ee-8a3c-0ad4b19c4d62")
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range listeners.TcpListeners {
		fmt.Println(l.ListenerName, l.ListenerPort)
	}
	// Output: db 3306
}

// A push must tell "refused" from "may have been applied".
func ExampleClient_ModifyHaproxyCustomConfig() {
	srv := exampleServer()
	defer srv.Close()
	client, err := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	const uuid = "0311fb08-73f7-11ee-8a3c-0ad4b19c4d62"
	ctx := context.Background()

	srv.InjectFault(cdsapi.ActionModifyHaproxyCustomConfig, fakecds.Fault{Kind: fakecds.FaultCutAfterApply, Times: 1})
	_, err = client.ModifyHaproxyCustomConfig(ctx, uuid, "global\n    maxconn 1000\n")
	switch {
	case errors.Is(err, cdsapi.ErrOutcomeUnknown):
		fmt.Println("the instance may have changed; pull it before pushing again")
	case err != nil:
		fmt.Println("refused:", cdsapi.ErrorCode(err))
	}

	lb, err := client.DescribeLoadBalancer(ctx, uuid)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("IsCustomConf:", lb.IsCustomConf)
	// Output:
	// the instance may have changed; pull it before pushing again
	// IsCustomConf: 1
}
