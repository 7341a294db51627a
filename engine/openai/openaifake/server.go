// Package openaifake is a wire-level fake of an OpenAI-compatible server for
// tests: real HTTP on loopback, real SSE frames and error envelopes, scripted
// replies, a record of every request, and holds that stop a reply mid-way
// until the test lets it go.
//
//	srv := openaifake.New(t)
//	srv.Enqueue(openaifake.Reply{Chunks: []string{"안녕", "하세요"}})
//	client := openai.New(openai.Config{BaseURL: srv.URL()})
package openaifake

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Server is a fake OpenAI-compatible server. It serves
// POST /v1/chat/completions (streaming and not) and GET /v1/models, and
// answers anything else with a 404 error envelope.
type Server struct {
	// Default decides the reply to a chat completion when no enqueued reply
	// is left; nil means Echo. Set it before sending the requests it is for.
	// Structured requests (see Request.Kind) are not its business.
	Default func(req Request) Reply
	// KindDefault decides the reply to a structured request when none is
	// enqueued for its kind (see EnqueueKind); nil means EmptyObject. Set it
	// before sending the requests it is for.
	KindDefault func(req Request) Reply
	// Models are the ids GET /v1/models lists.
	Models []string

	srv     *httptest.Server
	done    chan struct{} // closed at cleanup: held and delayed replies give up
	created int64

	mu    sync.Mutex
	queue []Reply
	kinds map[string][]Reply // replies enqueued per kind of structured request
	reqs  []Request
}

// New starts a Server on loopback and closes it when tb's test ends, first
// letting go of any reply still held or delayed.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{Models: []string{"fake-model"}, done: make(chan struct{}), created: time.Now().Unix()}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	tb.Cleanup(func() {
		close(s.done)
		s.srv.Close()
	})
	return s
}

// URL returns the API root, ending in "/v1", as go-openai's BaseURL expects.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Enqueue queues replies for the next chat-completion requests, one reply per
// request, in order.
func (s *Server) Enqueue(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, replies...)
}

// EnqueueKind queues replies for the next structured requests of kind (the
// name of their response_format JSON schema, see Request.Kind), one reply per
// request, in order. A structured request takes only from its kind's queue,
// and a chat completion never does, so that a test can script the reply and
// the aids beside it however their requests interleave.
func (s *Server) EnqueueKind(kind string, replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kinds == nil {
		s.kinds = map[string][]Reply{}
	}
	s.kinds[kind] = append(s.kinds[kind], replies...)
}

// RequestsOfKind returns the requests received so far whose kind is kind
// ("" for plain chat completions), in order of arrival.
func (s *Server) RequestsOfKind(kind string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == "/v1/chat/completions" && r.Kind() == kind {
			out = append(out, r)
		}
	}
	return out
}

// Requests returns a copy of every request received so far, in order of
// arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.reqs))
	copy(out, s.reqs)
	return out
}

// Count returns how many requests, of any kind, the server has received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// serveHTTP records the request and routes it.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		decodeErr := req.decodeChat()
		n, reply := s.next(req)
		if decodeErr != nil {
			writeError(w, Reply{Status: http.StatusBadRequest, ErrorMessage: "We could not parse the JSON body of your request: " + decodeErr.Error()})
			return
		}
		id := fmt.Sprintf("chatcmpl-fake%d", n)
		switch {
		case reply.Status >= 400:
			reply.HoldAfter = 0 // an error reply holds before it is written
			if s.delay(r, reply, 0) {
				writeError(w, reply)
			}
		case req.Stream:
			s.stream(w, r, req, reply, id)
		default:
			s.complete(w, r, req, reply, id)
		}
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		s.record(req)
		s.models(w)
	default:
		s.record(req)
		writeError(w, Reply{Status: http.StatusNotFound, ErrorMessage: "Unknown request URL: " + r.Method + " " + r.URL.Path})
	}
}

// record appends req to the log.
func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, req)
}

// next records a chat-completion request and returns its number (from 1) and
// its reply: the next one enqueued for it (by Enqueue, or by EnqueueKind for
// a structured request), else Default's (KindDefault's).
func (s *Server) next(req Request) (int, Reply) {
	kind := req.Kind()
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	n := len(s.reqs)
	if kind == "" && len(s.queue) > 0 {
		reply := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		return n, reply
	}
	if q := s.kinds[kind]; kind != "" && len(q) > 0 {
		s.kinds[kind] = q[1:]
		s.mu.Unlock()
		return n, q[0]
	}
	def := s.Default
	if kind != "" {
		def = s.KindDefault
	}
	s.mu.Unlock()
	switch {
	case def != nil:
	case kind != "":
		def = EmptyObject
	default:
		def = Echo
	}
	return n, def(req)
}

// delay waits, before chunk i of reply (i == len(Chunks): before the end), at
// its hold and for its delay. It returns false when the client went away or
// the server is closing.
func (s *Server) delay(r *http.Request, reply Reply, i int) bool {
	last := i == len(reply.Chunks)
	if reply.Hold != nil && (reply.HoldAfter == i || last && reply.HoldAfter > i) {
		select {
		case <-reply.Hold.arrive():
		case <-r.Context().Done():
			return false
		case <-s.done:
			return false
		}
	}
	d := reply.ChunkDelay
	if i == 0 {
		d = reply.FirstDelay
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

// models answers GET /v1/models.
func (s *Server) models(w http.ResponseWriter) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list", Data: []model{}}
	for _, id := range s.Models {
		list.Data = append(list.Data, model{ID: id, Object: "model", Created: s.created, OwnedBy: "openaifake"})
	}
	writeJSON(w, http.StatusOK, list)
}
