package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// plan is what one load run plays.
type plan struct {
	Users  int    // senders playing at once
	Turns  int    // turns each sender plays
	Shared bool   // one room (of one account) for every sender, instead of an account and a room each
	Mode   string // json or sse
	PID    int    // the server's pid; 0: not measured
	Prefix string // makes the run's emails and lines unique
}

// seat is one sender: the account it plays as and the room it plays in.
type seat struct {
	token string
	room  int64
}

// setup signs up the accounts and creates the rooms: one each, or, shared,
// one account and one room for every seat. Signups run two at a time: each
// hashes a password, and the server answers 503 when no hash slot is free.
func setup(ctx context.Context, c *apiClient, p plan) ([]seat, error) {
	accounts := p.Users
	if p.Shared {
		accounts = 1
	}
	seats := make([]seat, accounts)
	errs := make([]error, accounts)
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i := range seats {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			tok, err := c.signup(ctx, fmt.Sprintf("load-%s-%d@example.com", p.Prefix, i))
			if err == nil {
				seats[i].token = tok
				seats[i].room, err = c.createRoom(ctx, tok, fmt.Sprintf("load %s %d", p.Prefix, i))
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for len(seats) < p.Users {
		seats = append(seats, seats[0])
	}
	return seats, nil
}

// outcome is what one sender saw.
type outcome struct {
	latencies []time.Duration
	errors    map[string]int
	sent      []sentLine // lines the server acknowledged
}

// play has every seat play p.Turns turns at once and returns what each saw
// and how long the whole took.
func play(ctx context.Context, c *apiClient, p plan, seats []seat) ([]outcome, time.Duration) {
	send := c.sendJSON
	if p.Mode == "sse" {
		send = c.sendSSE
	}
	outs := make([]outcome, len(seats))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, s := range seats {
		wg.Go(func() {
			o := outcome{latencies: make([]time.Duration, 0, p.Turns), errors: map[string]int{}}
			<-start
			for t := range p.Turns {
				line := fmt.Sprintf("아메리카노 주세요 %s-%d-%d", p.Prefix, i, t)
				t0 := time.Now()
				err := send(ctx, s.token, s.room, line)
				if err != nil {
					o.errors[errorKind(err)]++
					continue
				}
				o.latencies = append(o.latencies, time.Since(t0))
				o.sent = append(o.sent, sentLine{Sender: i, Content: line})
			}
			outs[i] = o
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	return outs, time.Since(t0)
}

// verify reads every room's history and checks the acknowledged lines in it.
func verify(ctx context.Context, c *apiClient, seats []seat, outs []outcome) (lossReport, error) {
	type roomKey struct {
		token string
		room  int64
	}
	sent := map[roomKey][]sentLine{}
	var order []roomKey
	for i, s := range seats {
		k := roomKey{s.token, s.room}
		if _, ok := sent[k]; !ok {
			order = append(order, k)
			sent[k] = nil
		}
		sent[k] = append(sent[k], outs[i].sent...)
	}
	var total lossReport
	for _, k := range order {
		h, err := c.history(ctx, k.token, k.room)
		if err != nil {
			return total, err
		}
		total = total.add(checkHistory(h, sent[k]))
	}
	return total, nil
}

// runLoad plays p against the server c talks to and reports it.
func runLoad(ctx context.Context, c *apiClient, p plan) (*report, error) {
	seats, err := setup(ctx, c, p)
	if err != nil {
		return nil, err
	}
	var before procSample
	if p.PID != 0 {
		if before, err = readProc(p.PID); err != nil {
			return nil, err
		}
	}
	outs, elapsed := play(ctx, c, p, seats)
	var after procSample
	if p.PID != 0 {
		if after, err = readProc(p.PID); err != nil {
			return nil, err
		}
	}
	r := &report{Mode: p.Mode, Rooms: "own", Users: p.Users, Turns: p.Turns, Errors: map[string]int{}}
	if p.Shared {
		r.Rooms = "shared"
	}
	var latencies []time.Duration
	for _, o := range outs {
		latencies = append(latencies, o.latencies...)
		for k, n := range o.errors {
			r.Errors[k] += n
		}
	}
	r.OK = len(latencies)
	r.summarize(latencies, elapsed)
	if p.PID != 0 {
		r.Server = serverFigures(p.PID, before, after, r.OK)
	}
	if r.Loss, err = verify(ctx, c, seats, outs); err != nil {
		return r, err
	}
	return r, nil
}

// serverFigures is the server's cost between two samples over turns turns.
func serverFigures(pid int, before, after procSample, turns int) *serverReport {
	const mib = 1 << 20
	s := &serverReport{PID: pid, CPUSeconds: after.CPUSeconds - before.CPUSeconds, TickedSeconds: 1.0 / clockTicks,
		RSSMiB: float64(after.RSSBytes) / mib, PeakRSSMiB: float64(after.PeakRSS) / mib, RSSStartMiB: float64(before.RSSBytes) / mib}
	if turns > 0 {
		s.CPUMsPerTurn = s.CPUSeconds * 1000 / float64(turns)
	}
	return s
}
