//go:build !unix

package connecttest

import "net"

// freedPort is a port a listener had: nothing else holds it until listen,
// so another socket may take it meanwhile (rarely).
type freedPort struct{ addr string }

func hold() (string, holder, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, freedPort{addr}, nil
}

func (p freedPort) listen() (net.Listener, error) { return net.Listen("tcp", p.addr) }
func (freedPort) close()                          {}
