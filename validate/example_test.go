package validate_test

import (
	"fmt"

	"github.com/lbconf/lbconf/model"
	"github.com/lbconf/lbconf/validate"
)

// Lint a listener document: decode it keeping positions, then run every rule.
func ExampleDocument() {
	doc, err := model.Decode("lb.json", []byte(`{
  "HttpListeners": [{
    "ListenerName": "web", "ListenerPort": 22, "ListenerMode": "http", "MaxConn": 100,
    "ClientTimeout": "30", "ClientTimeoutUnit": "s", "ConnectTimeout": "5", "ConnectTimeoutUnit": "s",
    "ServerTimeout": "30", "ServerTimeoutUnit": "s", "Scheduler": "roundrobin", "StickySession": "on",
    "BackendServer": [{"IP": "10.0.0.5", "Port": 8080, "Weight": 10, "MaxConn": 50}]
  }],
  "TcpListeners": []
}`))
	if err != nil {
		fmt.Println(err) // the input is not a document at all (empty, binary)
		return
	}
	for _, f := range validate.Document(doc) {
		fmt.Println(f)
	}
	// Output:
	// lb.json:3:44: error reserved-port: ListenerPort 22 is reserved; ports 22, 1080, 9100 and 9101 cannot be used (/HttpListeners/0/ListenerPort)
	// lb.json:6:66: warning documented-type: Weight is documented as a string; the number 10 is accepted as "10", but write it as a string (/HttpListeners/0/BackendServer/0/Weight)
}

// Check a model built in Go: findings carry JSON pointers but no positions.
func ExampleListeners() {
	l := model.Listeners{TcpListeners: []model.TcpListener{{
		ListenerName: "db", ListenerPort: 3306, ListenerMode: "tcp", MaxConn: 100,
		ClientTimeout: "60", ClientTimeoutUnit: "s", ConnectTimeout: "5", ConnectTimeoutUnit: "s",
		ServerTimeout: "60", ServerTimeoutUnit: "s", Scheduler: "leastconn",
		BackendServer:      []model.BackendServer{{IP: "10.0.0.7", Port: 3306, Weight: "1", MaxConn: 100}},
		EnableRepeaterMode: "on",
	}}}
	for _, f := range validate.Listeners(&l) {
		fmt.Println(f.Severity, f.Rule, f.Pointer)
	}
	// Output:
	// error repeater-needs-source-ip /TcpListeners/0/EnableRepeaterMode
}
