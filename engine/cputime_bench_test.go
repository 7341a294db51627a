package engine_test

import (
	"syscall"
	"testing"
	"time"
)

// processCPU returns the CPU time (user and system) the test process has used
// so far, all goroutines and the runtime included.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports, as cpu-ns/op, the process's CPU time since start over
// b.N: the cost of an operation in CPU, which a machine shared with other
// work distorts much less than the wall-clock ns/op (PostgreSQL's own CPU,
// in its processes, is not counted).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
}
