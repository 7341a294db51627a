package main

import (
	"net"
	"strings"
)

// MetricsConfig is the Prometheus metrics: served at GET /metrics on the
// main listener, or on a listener of their own when Addr is set.
type MetricsConfig struct {
	Enabled bool   `yaml:"enabled"`
	Addr    string `yaml:"addr"`
}

// AdminConfig is the admin listener, which serves the Go profiler
// (/debug/pprof/) and nothing else; off while Addr is empty. The main
// listener never serves the profiler.
type AdminConfig struct {
	Addr string `yaml:"addr"`
}

// validateOps checks the metrics and admin keys.
func (c Config) validateOps(bad func(key, format string, args ...any)) {
	checkAddr := func(key, addr string) bool {
		if addr == "" {
			return true
		}
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			bad(key, "must be host:port or :port, e.g. 127.0.0.1:9090 (a colon before the port), got %q", addr)
			return false
		}
		return true
	}
	if checkAddr("metrics.addr", c.Metrics.Addr) && c.Metrics.Addr != "" && sameAddr(c.Metrics.Addr, c.Server.Addr) {
		bad("metrics.addr", "must differ from server.addr; leave it empty to serve /metrics on server.addr")
	}
	if checkAddr("admin.addr", c.Admin.Addr) && c.Admin.Addr != "" {
		if sameAddr(c.Admin.Addr, c.Server.Addr) {
			bad("admin.addr", "must differ from server.addr: the profiler is never served on the main listener")
		}
		if c.Metrics.Addr != "" && sameAddr(c.Admin.Addr, c.Metrics.Addr) {
			bad("admin.addr", "must differ from metrics.addr")
		}
	}
}

// sameAddr reports whether two listen addresses name the same port on the
// same host, or on every host (an empty host) and any other.
func sameAddr(a, b string) bool {
	ha, pa, errA := net.SplitHostPort(a)
	hb, pb, errB := net.SplitHostPort(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return pa == pb && pa != "0" && (ha == "" || hb == "" || strings.EqualFold(ha, hb))
}
