package fakecds_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	"github.com/lbconf/lbconf/model"
)

func ExampleNewServer() {
	srv := fakecds.NewServer(fakecds.Options{TaskDescribes: 1})
	defer srv.Close()
	srv.AddInstance(fakecds.Instance{InstanceUuid: "lb-1", InstanceName: "web", Version: "2.4"}, model.Listeners{}, "")

	client, err := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.ModifyHaproxyCustomConfig(ctx, "lb-1", "global\n    maxconn 1000\n"); err != nil {
		log.Fatal(err)
	}
	for range 2 {
		lb, err := client.DescribeLoadBalancer(ctx, "lb-1")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(lb.Status, lb.IsCustomConf)
	}
	fmt.Println(len(srv.RequestsFor(cdsapi.ActionDescribeLoadBalancers)), "describes")
	// Output:
	// CHANGING 1
	// RUNNING 1
	// 2 describes
}

func ExampleServer_InjectFault() {
	srv := fakecds.NewServer(fakecds.Options{})
	defer srv.Close()
	srv.AddInstance(fakecds.Instance{InstanceUuid: "lb-1"}, model.Listeners{}, "old\n")
	// A short backoff keeps the example fast.
	client, err := cdsapi.NewClient(srv.Credentials(), cdsapi.Options{Endpoint: srv.URL, Backoff: time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Two failures: the GET is retried and succeeds on the third try.
	srv.InjectFault(cdsapi.ActionDescribeHaproxyCustomConfig, fakecds.Fault{Kind: fakecds.FaultInternalError, Times: 2})
	cfg, err := client.DescribeHaproxyCustomConfig(ctx, "lb-1")
	fmt.Printf("%q %v, %d tries\n", cfg, err, len(srv.RequestsFor(cdsapi.ActionDescribeHaproxyCustomConfig)))

	// The POST is sent once, whatever happens.
	srv.InjectFault(cdsapi.ActionModifyHaproxyCustomConfig, fakecds.Fault{Kind: fakecds.FaultInternalError})
	_, err = client.ModifyHaproxyCustomConfig(ctx, "lb-1", "new\n")
	var apiErr *cdsapi.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.HTTPStatus, apiErr.Code, len(srv.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig)), "try")
	}
	// Output:
	// "old\n" <nil>, 3 tries
	// 500 InternalError 1 try
}
