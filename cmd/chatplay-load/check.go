package main

// histMessage is a message of a room's history as the check reads it.
type histMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	Status  string `json:"status"`
}

// sentLine is a learner line the tool sent and the server acknowledged.
type sentLine struct {
	Sender  int    // which sender sent it; order is checked per sender
	Content string // unique over the run
}

// lossReport is what the history check found in one or more rooms.
type lossReport struct {
	Lost       int `json:"lost"`         // acknowledged but missing from history
	OutOfOrder int `json:"out_of_order"` // present, but before a line its sender sent earlier
	Unanswered int `json:"unanswered"`   // present, but not followed at once by a complete, non-empty reply
}

// add sums two reports.
func (r lossReport) add(o lossReport) lossReport {
	return lossReport{Lost: r.Lost + o.Lost, OutOfOrder: r.OutOfOrder + o.OutOfOrder, Unanswered: r.Unanswered + o.Unanswered}
}

// total is every fault the check found.
func (r lossReport) total() int { return r.Lost + r.OutOfOrder + r.Unanswered }

// checkHistory checks one room's history (oldest first) against the lines
// sent to it, in the order each sender sent them: every line must be in the
// history once as a user message, each sender's lines in the order sent,
// and each followed at once by a complete assistant reply with content.
// Lines of different senders may interleave in any order.
func checkHistory(history []histMessage, sent []sentLine) lossReport {
	pos := make(map[string]int, len(sent))
	for i, m := range history {
		if m.Role == "user" {
			if _, dup := pos[m.Content]; !dup {
				pos[m.Content] = i
			}
		}
	}
	var r lossReport
	last := map[int]int{} // sender → history position of its latest line found
	for _, s := range sent {
		i, ok := pos[s.Content]
		if !ok {
			r.Lost++
			continue
		}
		if prev, seen := last[s.Sender]; seen && i < prev {
			r.OutOfOrder++
		}
		last[s.Sender] = i
		if i+1 >= len(history) {
			r.Unanswered++
			continue
		}
		if reply := history[i+1]; reply.Role != "assistant" || reply.Status != "complete" || reply.Content == "" {
			r.Unanswered++
		}
	}
	return r
}
