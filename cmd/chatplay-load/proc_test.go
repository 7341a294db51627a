package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		file    string
		want    float64
		wantErr string
	}{
		{"stat-plain.txt", 3.8, ""},    // utime 250 + stime 130 ticks
		{"stat-odd-name.txt", 0.1, ""}, // name "a) b (c)" holds spaces and parentheses; 7 + 3 ticks
		{"stat-short.txt", 0, "fields after the command name"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := parseStat(f)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseStat = %v, %v; want error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("parseStat = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if _, err := parseStat(strings.NewReader("no parentheses here")); err == nil {
		t.Error("parseStat of a line without a command name: no error")
	}
}

func TestParseStatus(t *testing.T) {
	for _, tc := range []struct {
		file      string
		rss, peak int64
		wantErr   string
	}{
		{"status.txt", 12345 * 1024, 20000 * 1024, ""},
		{"status-kthread.txt", 0, 0, "no VmRSS"},
		{"status-bad-unit.txt", 0, 0, `want "N kB"`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rss, peak, err := parseStatus(f)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseStatus = %v, %v, %v; want error containing %q", rss, peak, err, tc.wantErr)
				}
				return
			}
			if err != nil || rss != tc.rss || peak != tc.peak {
				t.Errorf("parseStatus = %v, %v, %v; want %v, %v", rss, peak, err, tc.rss, tc.peak)
			}
		})
	}
}

// TestReadProcSelf reads this process, whose CPU time and memory are not zero.
func TestReadProcSelf(t *testing.T) {
	s, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.RSSBytes <= 0 || s.PeakRSS < s.RSSBytes || s.CPUSeconds < 0 {
		t.Errorf("readProc(self) = %+v, want RSS > 0 and peak ≥ RSS", s)
	}
}
