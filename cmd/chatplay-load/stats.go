package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"
)

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value that at least p% of the values
// are at or below. It returns 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// report is the outcome of one load run.
type report struct {
	Mode        string         `json:"mode"`   // json or sse
	Rooms       string         `json:"rooms"`  // own or shared
	Users       int            `json:"users"`  // senders playing at once
	Turns       int            `json:"turns"`  // turns each sender plays
	OK          int            `json:"ok"`     // turns answered with a complete reply
	Errors      map[string]int `json:"errors"` // failed turns by HTTP status (or "transport", "stream")
	Seconds     float64        `json:"seconds"`
	TurnsPerSec float64        `json:"turns_per_sec"`
	P50Ms       float64        `json:"p50_ms"`
	P99Ms       float64        `json:"p99_ms"`
	MaxMs       float64        `json:"max_ms"`
	Loss        lossReport     `json:"messages"`
	Server      *serverReport  `json:"server,omitempty"` // with -pid
}

// serverReport is what the server process cost over the turns played.
type serverReport struct {
	PID           int     `json:"pid"`
	CPUSeconds    float64 `json:"cpu_seconds"`
	CPUMsPerTurn  float64 `json:"cpu_ms_per_turn"`
	RSSMiB        float64 `json:"rss_mib"`
	PeakRSSMiB    float64 `json:"peak_rss_mib"`
	RSSStartMiB   float64 `json:"rss_start_mib"`
	TickedSeconds float64 `json:"cpu_tick_seconds"` // the resolution of cpu_seconds
}

// summarize fills the timing figures from latencies and the run's duration.
func (r *report) summarize(latencies []time.Duration, elapsed time.Duration) {
	slices.Sort(latencies)
	r.Seconds = elapsed.Seconds()
	if elapsed > 0 {
		r.TurnsPerSec = float64(r.OK) / elapsed.Seconds()
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	r.P50Ms, r.P99Ms = ms(percentile(latencies, 50)), ms(percentile(latencies, 99))
	if len(latencies) > 0 {
		r.MaxMs = ms(latencies[len(latencies)-1])
	}
}

// writeJSON writes r as one indented JSON object.
func (r *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeTable writes r as a two-column text table.
func (r *report) writeTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("mode", r.Mode+", "+r.Rooms+" room(s)")
	row("senders × turns", fmt.Sprintf("%d × %d", r.Users, r.Turns))
	row("turns ok", strconv.Itoa(r.OK))
	row("errors", formatErrors(r.Errors))
	row("seconds", fmt.Sprintf("%.2f", r.Seconds))
	row("turns/s", fmt.Sprintf("%.0f", r.TurnsPerSec))
	row("latency p50 / p99 / max", fmt.Sprintf("%.2f / %.2f / %.2f ms", r.P50Ms, r.P99Ms, r.MaxMs))
	row("messages lost / out of order / unanswered", fmt.Sprintf("%d / %d / %d", r.Loss.Lost, r.Loss.OutOfOrder, r.Loss.Unanswered))
	if s := r.Server; s != nil {
		row("server pid", strconv.Itoa(s.PID))
		row("server CPU", fmt.Sprintf("%.2f s, %.3f ms/turn (tick %.2f s)", s.CPUSeconds, s.CPUMsPerTurn, s.TickedSeconds))
		row("server RSS start / end / peak", fmt.Sprintf("%.1f / %.1f / %.1f MiB", s.RSSStartMiB, s.RSSMiB, s.PeakRSSMiB))
	}
	return tw.Flush()
}

// formatErrors writes errors by status in a stable order, "0" for none.
func formatErrors(errs map[string]int) string {
	if len(errs) == 0 {
		return "0"
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s: %d", k, errs[k])
	}
	return s
}
