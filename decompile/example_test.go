package decompile_test

import (
	"fmt"

	"github.com/lbconf/lbconf/decompile"
	"github.com/lbconf/lbconf/model"
)

func ExampleDecompile() {
	cfg := `global
    daemon

frontend web
    default_backend web-abk
    bind *:80
    http-request deny if { path_beg /admin }
    timeout client 1m
    maxconn 1000

backend web-abk
    balance leastconn
    timeout connect 5s
    timeout server 30000ms
    server s10.0.0.5:8080 10.0.0.5:8080 maxconn 100 weight 10 check
`
	l, losses, err := decompile.Decompile([]byte(cfg), decompile.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(model.MarshalIndent(l)))
	for _, loss := range losses {
		fmt.Println(loss)
	}
	// Output:
	// {
	//   "HttpListeners": [
	//     {
	//       "ListenerName": "web",
	//       "ListenerPort": 80,
	//       "ListenerMode": "http",
	//       "MaxConn": 1000,
	//       "ClientTimeout": "60",
	//       "ClientTimeoutUnit": "s",
	//       "ConnectTimeout": "5",
	//       "ConnectTimeoutUnit": "s",
	//       "ServerTimeout": "30000",
	//       "ServerTimeoutUnit": "ms",
	//       "Scheduler": "leastconn",
	//       "StickySession": "off",
	//       "AclWhiteList": [],
	//       "CertificateIds": [],
	//       "BackendServer": [
	//         {
	//           "IP": "10.0.0.5",
	//           "Port": 8080,
	//           "Weight": "10",
	//           "MaxConn": 100
	//         }
	//       ]
	//     }
	//   ],
	//   "TcpListeners": []
	// }
	// line 7: `http-request deny if { path_beg /admin }` in frontend web has no equivalent in the listener model and would be lost
}

// Explain says which values a hand-written config leaves to defaults and
// where each value came from.
func ExampleExplain() {
	cfg := "global\n    maxconn 4000\n" +
		"listen db\n    mode tcp\n    bind :3306\n    timeout client 60s\n    timeout connect 5s\n    timeout server 60s\n" +
		"    server s10.0.0.2:3306 10.0.0.2:3306 maxconn 100 weight 1 check\n"
	r, err := decompile.Explain([]byte(cfg), decompile.Options{})
	if err != nil {
		panic(err)
	}
	for _, n := range r.Notes {
		fmt.Printf("line %d: %s\n", n.Line, n.Text)
	}
	fmt.Println(r.Listeners.TcpListeners[0].Scheduler, r.Listeners.TcpListeners[0].MaxConn, r.Line("/TcpListeners/0/BackendServer/0"))
	// Output:
	// line 3: listen db has no balance (here or in defaults): HAProxy's default, roundrobin, is the Scheduler
	// line 3: listen db has no maxconn (here or in defaults): HAProxy gives it the global maxconn 4000 (line 2), which is its MaxConn
	// roundrobin 4000 9
}
