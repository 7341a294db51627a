//go:build unix

package connecttest

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

// A Port refuses connections, keeps its port from any other listener, and
// once listening accepts at that address.
func TestPort(t *testing.T) {
	p := NewPort(t)
	if _, err := net.DialTimeout("tcp", p.Addr(), 10*time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial before Listen: %v, want connection refused", err)
	}
	if ln, err := net.Listen("tcp", p.Addr()); err == nil {
		ln.Close()
		t.Fatal("another listener took the held port")
	}
	ln, err := p.Listen()
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if ln.Addr().String() != p.Addr() {
		t.Fatalf("listening at %s, want %s", ln.Addr(), p.Addr())
	}
	accepted := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
		accepted <- err
	}()
	c, err := net.DialTimeout("tcp", p.Addr(), 10*time.Second)
	if err != nil {
		t.Fatalf("dial after Listen: %v", err)
	}
	c.Close()
	if err := <-accepted; err != nil {
		t.Fatal(err)
	}
	if _, err := p.Listen(); err == nil {
		t.Fatal("a second Listen succeeded")
	}
}
