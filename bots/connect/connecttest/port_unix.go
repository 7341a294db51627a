//go:build unix

package connecttest

import (
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
)

// boundSocket is a TCP socket bound to a loopback port, not listening.
type boundSocket struct {
	mu sync.Mutex
	fd int // -1 once closed or listening
}

func hold() (string, holder, error) {
	syscall.ForkLock.RLock() // as the net package does: no child inherits it
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return "", nil, fmt.Errorf("socket: %w", err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		_ = syscall.Close(fd)
		return "", nil, fmt.Errorf("bind: %w", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		_ = syscall.Close(fd)
		return "", nil, fmt.Errorf("getsockname: %w", err)
	}
	in4, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		_ = syscall.Close(fd)
		return "", nil, fmt.Errorf("getsockname: %T", sa)
	}
	return fmt.Sprintf("127.0.0.1:%d", in4.Port), &boundSocket{fd: fd}, nil
}

func (s *boundSocket) listen() (net.Listener, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fd < 0 {
		return nil, fmt.Errorf("connecttest: the port is closed or listening already")
	}
	if err := syscall.Listen(s.fd, syscall.SOMAXCONN); err != nil {
		return nil, fmt.Errorf("connecttest: listen: %w", err)
	}
	f := os.NewFile(uintptr(s.fd), "connecttest")
	s.fd = -1
	defer f.Close() // the listener has a socket of its own (a dup)
	return net.FileListener(f)
}

func (s *boundSocket) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fd >= 0 {
		_ = syscall.Close(s.fd)
		s.fd = -1
	}
}
