package main

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"none", nil, 50, 0},
		{"one value p50", ms(7), 50, 7 * time.Millisecond},
		{"one value p99", ms(7), 99, 7 * time.Millisecond},
		{"two values p50 is the lower", ms(1, 2), 50, 1 * time.Millisecond},
		{"two values p99 is the upper", ms(1, 2), 99, 2 * time.Millisecond},
		{"odd count p50 is the middle", ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
		{"1..100 p50", ms(hundred...), 50, 50 * time.Millisecond},
		{"1..100 p99", ms(hundred...), 99, 99 * time.Millisecond},
		{"1..100 p100 is the max", ms(hundred...), 100, 100 * time.Millisecond},
		{"one outlier in 100 is not p99", ms(append(make([]int, 99), 1000)...), 99, 0},
		{"one outlier in 50 is p99", ms(append(make([]int, 49), 1000)...), 99, 1000 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentile(tc.sorted, tc.p); got != tc.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tc.sorted, tc.p, got, tc.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	r := &report{OK: 4}
	r.summarize([]time.Duration{4 * time.Millisecond, time.Millisecond, 3 * time.Millisecond, 2 * time.Millisecond}, 2*time.Second)
	if r.TurnsPerSec != 2 || r.P50Ms != 2 || r.P99Ms != 4 || r.MaxMs != 4 || r.Seconds != 2 {
		t.Errorf("summarize = %+v, want 2 turns/s, p50 2 ms, p99 4 ms, max 4 ms over 2 s", r)
	}
}

func TestFormatErrors(t *testing.T) {
	for _, tc := range []struct {
		errs map[string]int
		want string
	}{
		{nil, "0"},
		{map[string]int{"503": 2, "429": 1, "stream": 4}, "429: 1, 503: 2, stream: 4"},
	} {
		if got := formatErrors(tc.errs); got != tc.want {
			t.Errorf("formatErrors(%v) = %q, want %q", tc.errs, got, tc.want)
		}
	}
}
