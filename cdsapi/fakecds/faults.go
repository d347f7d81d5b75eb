package fakecds

import (
	"context"
	"net/http"
	"time"
)

// FaultKind says how an injected fault answers.
type FaultKind int

// Fault kinds. Unless said otherwise the request is not applied.
const (
	// FaultSlow answers normally, after the fault's Delay.
	FaultSlow FaultKind = iota
	// FaultInternalError answers HTTP 500 InternalError.
	FaultInternalError
	// FaultResourceInUse answers HTTP 409 ResourceInUse.
	FaultResourceInUse
	// FaultMalformedJSON answers HTTP 200 with a truncated JSON body.
	FaultMalformedJSON
	// FaultCutConnection reads the whole request, then closes the
	// connection without answering.
	FaultCutConnection
	// FaultCutAfterApply applies the request, then closes the connection
	// without answering: the change happened but the client cannot know.
	FaultCutAfterApply
)

// String names the kind.
func (k FaultKind) String() string {
	switch k {
	case FaultSlow:
		return "Slow"
	case FaultInternalError:
		return "InternalError"
	case FaultResourceInUse:
		return "ResourceInUse"
	case FaultMalformedJSON:
		return "MalformedJSON"
	case FaultCutConnection:
		return "CutConnection"
	case FaultCutAfterApply:
		return "CutAfterApply"
	}
	return "FaultKind(?)"
}

// Fault is a failure to inject with [Server.InjectFault].
type Fault struct {
	Kind FaultKind
	// Delay is waited (in real time) before the fault acts; with FaultSlow
	// it is the whole fault. The wait ends early when the client goes away
	// or the server closes; in the first case the request then proceeds as
	// if the wait had ended (a change is applied although nobody listens,
	// as a real server may do).
	Delay time.Duration
	// Times is how many matching requests the fault acts on; 0 or less
	// means every one until [Server.ClearFaults].
	Times int
}

// injected is a fault waiting for requests.
type injected struct {
	action   string
	instance string // "" for every instance
	fault    Fault
	left     int // requests left; <= 0 means unlimited
}

// InjectFault makes requests of an action (every action if action is "")
// fail as f says. Faults are matched in the order injected; authentication
// and routing are checked first, so a fault only hits well-formed requests.
func (s *Server) InjectFault(action string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &injected{action: action, fault: f, left: f.Times})
}

// InjectInstanceFault is [Server.InjectFault] for the requests about one
// instance only: those whose InstanceUuid (query parameter or JSON body)
// is instanceUuid. DescribeLoadBalancers matches when it filters on that
// exact InstanceUuid.
func (s *Server) InjectInstanceFault(instanceUuid, action string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &injected{action: action, instance: instanceUuid, fault: f, left: f.Times})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the fault for a request of action about instance
// (its InstanceUuid, "" when none), if any, and counts it down.
func (s *Server) takeFault(action, instance string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, inj := range s.faults {
		if inj.action != "" && inj.action != action || inj.instance != "" && inj.instance != instance {
			continue
		}
		if inj.left > 0 {
			inj.left--
			if inj.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		f := inj.fault
		return &f
	}
	return nil
}

// wait sleeps d unless ctx is done first; it reports false when the server
// is closing.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-s.closing:
		return false
	}
	return true
}

// cut closes the connection of w without answering.
func (s *Server) cut(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not an HTTP/1 connection: make net/http drop it.
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}
