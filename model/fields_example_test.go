package model_test

import (
	"encoding/json"
	"fmt"

	"github.com/lbconf/lbconf/model"
)

// The field table gives each listener field's facts; here the cookie Mode:
// its values, their meaning and their haproxy.cfg spelling, in both
// directions.
func ExampleFieldOf() {
	mode, _ := model.FieldOf(model.KindHTTP, model.PtrCookieMode)
	fmt.Println(mode.Label, "default", mode.Default)
	fmt.Println("allowed:", mode.Choices(true))
	cfg, _ := mode.ToHAProxy("2")
	back, _ := mode.FromHAProxy("insert  nocache")
	fmt.Printf("2 -> cookie KEY %s; `insert nocache` -> %s\n", cfg, mode.Meaning(back))
	// Output:
	// SessionPersistence Mode default 1
	// allowed: 0 (insert), 1 (insert nocache, the default) or 2 (insert indirect nocache)
	// 2 -> cookie KEY insert indirect nocache; `insert nocache` -> 1 (insert nocache)
}

// Generators of schemas and documentation read the table as data.
func ExampleFields() {
	for _, f := range model.Fields() {
		if f.Pointer == model.PtrScheduler {
			b, _ := json.Marshal(f)
			fmt.Println(string(b))
		}
	}
	// Output:
	// {"pointer":"/Scheduler","name":"Scheduler","label":"Scheduler","in":"HttpListeners and TcpListeners","type":"string","required":true,"values":[{"value":"roundrobin","meaning":"each server in turn, by weight","haproxy":"roundrobin"},{"value":"leastconn","meaning":"the server with the fewest connections","haproxy":"leastconn"},{"value":"static-rr","meaning":"each server in turn, weights fixed","haproxy":"static-rr"},{"value":"source","meaning":"a hash of the client address","haproxy":"source"}],"rules":["required","scheduler","cookie-with-source"],"explain":"how requests are spread over the servers","hint":"roundrobin, leastconn, static-rr or source","haproxy":"balance"}
}
