package diff_test

import (
	"fmt"
	"os"

	"github.com/lbconf/lbconf/decompile"
	"github.com/lbconf/lbconf/diff"
)

func ExampleCompare() {
	before := `{"HttpListeners": [], "TcpListeners": [{"ListenerName": "db", "ListenerPort": 3306,
  "ListenerMode": "tcp", "MaxConn": 2000, "ClientTimeout": "60", "ClientTimeoutUnit": "s",
  "ConnectTimeout": "5000", "ConnectTimeoutUnit": "ms", "ServerTimeout": "60", "ServerTimeoutUnit": "s",
  "Scheduler": "leastconn", "AclWhiteList": [], "EnableSourceIp": "off", "EnableRepeaterMode": "off",
  "BackendServer": [{"IP": "10.2.0.7", "Port": 3306, "Weight": "1", "MaxConn": 1000}]}]}`
	after := `listen db
    bind *:3306
    mode tcp
    balance leastconn
    maxconn 2000
    timeout client 1m
    timeout connect 5s
    timeout server 60s
    server s10.2.0.7:3306 10.2.0.7:3306 maxconn 1000 weight 5 check
    server s10.2.0.8:3306 10.2.0.8:3306 maxconn 1000 weight 1 check
`
	a, err := diff.Load("before.json", []byte(before), decompile.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := diff.Load("after.cfg", []byte(after), decompile.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := diff.Compare(a, b)
	if err := r.WriteText(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// --- before.json
	// +++ after.cfg
	// ~ TCP listener db
	//     ~ BackendServer 10.2.0.7:3306 Weight: 1 -> 5
	//     + BackendServer 10.2.0.8:3306 (weight 1, maxconn 1000)
	// 1 listener changed
}
