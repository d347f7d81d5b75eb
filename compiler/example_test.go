package compiler_test

import (
	"fmt"
	"strings"

	"github.com/lbconf/lbconf/compiler"
	"github.com/lbconf/lbconf/model"
)

// ExampleCompile compiles one TCP listener that passes the client address on
// with the PROXY protocol, for HAProxy 2.6, and prints the generated
// section (the documented prelude comes before it).
func ExampleCompile() {
	listeners := &model.Listeners{
		TcpListeners: []model.TcpListener{{
			ListenerName: "db", ListenerPort: 3306, ListenerMode: "tcp", MaxConn: 2000,
			ClientTimeout: "60", ClientTimeoutUnit: "s",
			ConnectTimeout: "5", ConnectTimeoutUnit: "s",
			ServerTimeout: "60000", ServerTimeoutUnit: "ms",
			Scheduler:      "leastconn",
			AclWhiteList:   []string{"10.0.0.0/8"},
			BackendServer:  []model.BackendServer{{IP: "10.2.0.7", Port: 3306, Weight: "1", MaxConn: 1000}},
			EnableSourceIp: "on", EnableRepeaterMode: "off",
		}},
	}
	cfg, err := compiler.Compile(listeners, compiler.Options{Target: "2.6"})
	if err != nil {
		fmt.Println(err)
		return
	}
	text := string(cfg)
	fmt.Print(text[strings.Index(text, "listen db"):])
	// Output:
	// listen db
	//     bind 0.0.0.0:3306
	//     mode tcp
	//     balance leastconn
	//     maxconn 2000
	//     timeout client 60s
	//     timeout connect 5s
	//     timeout server 60000ms
	//     acl db_whitelist src 10.0.0.0/8
	//     tcp-request connection reject if !db_whitelist
	//     server s10.2.0.7:3306 10.2.0.7:3306 maxconn 1000 weight 1 check send-proxy
}
