// Package connecttest gives the bots' tests a platform address that
// refuses connections until the test brings it up.
package connecttest

import (
	"net"
	"testing"
)

// Port is a loopback address that refuses connections until Listen.
// Where the system allows (Unix), the port is held the whole time by a
// socket bound to it but not listening: connections to it are refused, and
// no other socket (a test server elsewhere listening on port 0, an outgoing
// connection) can take it before Listen, which listens on that same socket.
type Port struct {
	addr string
	hold holder
}

// holder keeps the port and turns into its listener.
type holder interface {
	listen() (net.Listener, error)
	close()
}

// NewPort returns a Port on 127.0.0.1, released when tb ends (unless
// Listen has taken it over).
func NewPort(tb testing.TB) *Port {
	tb.Helper()
	addr, h, err := hold()
	if err != nil {
		tb.Fatalf("connecttest: %v", err)
	}
	p := &Port{addr: addr, hold: h}
	tb.Cleanup(h.close)
	return p
}

// Addr is the address, host:port.
func (p *Port) Addr() string { return p.addr }

// Listen starts listening at the address; call it once.
func (p *Port) Listen() (net.Listener, error) { return p.hold.listen() }
