package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat. It is
// 100 on every Linux architecture Go runs on; the standard library cannot
// ask sysconf(_SC_CLK_TCK) without cgo.
const clockTicks = 100

// procSample is what the tool reads of the server process.
type procSample struct {
	CPUSeconds float64 // user + system CPU time so far
	RSSBytes   int64   // resident set size now
	PeakRSS    int64   // high-water mark of the resident set (VmHWM)
}

// readProc reads the CPU time and memory of process pid.
func readProc(pid int) (procSample, error) {
	stat, err := os.Open(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procSample{}, err
	}
	defer stat.Close()
	cpu, err := parseStat(stat)
	if err != nil {
		return procSample{}, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	status, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procSample{}, err
	}
	defer status.Close()
	rss, peak, err := parseStatus(status)
	if err != nil {
		return procSample{}, fmt.Errorf("/proc/%d/status: %w", pid, err)
	}
	return procSample{CPUSeconds: cpu, RSSBytes: rss, PeakRSS: peak}, nil
}

// parseStat returns the user + system CPU seconds of a /proc/PID/stat line
// (fields 14 utime and 15 stime, in clock ticks). The command name (field
// 2) is in parentheses and may hold spaces and parentheses itself, so the
// fields are counted from the last ')'.
func parseStat(r io.Reader) (float64, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return 0, err
	}
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, errors.New("no command name in parentheses")
	}
	fields := strings.Fields(s[end+1:]) // fields[0] is field 3, state
	const utime, stime = 14 - 3, 15 - 3
	if len(fields) <= stime {
		return 0, fmt.Errorf("%d fields after the command name, want at least %d", len(fields), stime+1)
	}
	var ticks uint64
	for _, i := range []int{utime, stime} {
		n, err := strconv.ParseUint(fields[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("field %d: %w", i+3, err)
		}
		ticks += n
	}
	return float64(ticks) / clockTicks, nil
}

// parseStatus returns VmRSS and VmHWM, in bytes, of a /proc/PID/status file.
func parseStatus(r io.Reader) (rss, peak int64, err error) {
	found := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		f := strings.Fields(value)
		if len(f) != 2 || f[1] != "kB" {
			return 0, 0, fmt.Errorf("%s: want \"N kB\", got %q", name, strings.TrimSpace(value))
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		if name == "VmRSS" {
			rss = kb * 1024
		} else {
			peak = kb * 1024
		}
		found++
	}
	if err := sc.Err(); err != nil {
		return 0, 0, err
	}
	if rss == 0 && found == 0 {
		return 0, 0, errors.New("no VmRSS line (a kernel thread or a zombie?)")
	}
	return rss, peak, nil
}
