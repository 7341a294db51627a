package main

import "testing"

func TestCheckHistory(t *testing.T) {
	u := func(c string) histMessage { return histMessage{Role: "user", Content: c, Status: "complete"} }
	a := func(c string) histMessage { return histMessage{Role: "assistant", Content: c, Status: "complete"} }
	s := func(sender int, c string) sentLine { return sentLine{Sender: sender, Content: c} }
	for _, tc := range []struct {
		name    string
		history []histMessage
		sent    []sentLine
		want    lossReport
	}{
		{"nothing sent", nil, nil, lossReport{}},
		{"all there in order", []histMessage{u("a"), a("r"), u("b"), a("r")}, []sentLine{s(0, "a"), s(0, "b")}, lossReport{}},
		{"one missing", []histMessage{u("a"), a("r")}, []sentLine{s(0, "a"), s(0, "b")}, lossReport{Lost: 1}},
		{"all missing", nil, []sentLine{s(0, "a"), s(1, "b")}, lossReport{Lost: 2}},
		{"one sender's lines swapped", []histMessage{u("b"), a("r"), u("a"), a("r")}, []sentLine{s(0, "a"), s(0, "b")}, lossReport{OutOfOrder: 1}},
		{"two senders interleaved is fine", []histMessage{u("b1"), a("r"), u("a1"), a("r"), u("b2"), a("r"), u("a2"), a("r")},
			[]sentLine{s(0, "a1"), s(0, "a2"), s(1, "b1"), s(1, "b2")}, lossReport{}},
		{"two senders, one out of order", []histMessage{u("a2"), a("r"), u("b1"), a("r"), u("a1"), a("r")},
			[]sentLine{s(0, "a1"), s(0, "a2"), s(1, "b1")}, lossReport{OutOfOrder: 1}},
		{"last line without reply", []histMessage{u("a"), a("r"), u("b")}, []sentLine{s(0, "a"), s(0, "b")}, lossReport{Unanswered: 1}},
		{"reply failed", []histMessage{u("a"), {Role: "assistant", Content: "", Status: "failed"}}, []sentLine{s(0, "a")}, lossReport{Unanswered: 1}},
		{"reply still pending", []histMessage{u("a"), {Role: "assistant", Content: "half", Status: "pending"}}, []sentLine{s(0, "a")}, lossReport{Unanswered: 1}},
		{"reply empty", []histMessage{u("a"), a("")}, []sentLine{s(0, "a")}, lossReport{Unanswered: 1}},
		{"two lines then two replies", []histMessage{u("a"), u("b"), a("r"), a("r")}, []sentLine{s(0, "a"), s(1, "b")}, lossReport{Unanswered: 1}},
		{"a reply with the line's text is not the line", []histMessage{a("a"), a("r")}, []sentLine{s(0, "a")}, lossReport{Lost: 1}},
		{"lines the tool did not send are ignored", []histMessage{u("x"), u("a"), a("r")}, []sentLine{s(0, "a")}, lossReport{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkHistory(tc.history, tc.sent); got != tc.want {
				t.Errorf("checkHistory = %+v, want %+v", got, tc.want)
			}
		})
	}
}
