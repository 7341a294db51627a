// Package telegramfake is a wire-level fake of the Telegram Bot API for
// tests: real HTTP on loopback at /bot<token>/<method>, request bodies decoded
// as Telegram accepts them (multipart or URL-encoded forms, JSON, the query
// string), Telegram's JSON envelopes, updates queued by the test and served by
// getUpdates (long polling included), the state of every message the bot
// sent, a record of every call, and failures scripted per method (a 429 with
// retry_after, once).
//
//	api := telegramfake.New(t)
//	api.PushUpdate(telegramfake.Update{Message: telegramfake.Text(chat, user, "/start")})
//	b, _ := bot.New(api.Token(), bot.WithServerURL(api.URL()))
//	calls := api.WaitCalls(t, 1, "sendMessage")
package telegramfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the bot token the fake accepts unless New is given another.
const DefaultToken = "123456789:AAfake-token_for-tests"

// Failure scripts an error answer: the envelope's error_code, description and
// parameters.retry_after (when RetryAfter > 0), or, when Body is set, that
// body as it is with Code as the HTTP status (what a proxy in front of the
// Bot API answers).
type Failure struct {
	Code        int
	Description string
	RetryAfter  int
	Body        string
}

// BadGateway is the 502 the proxy in front of the Bot API answers now and
// then: an HTML page, not Telegram's JSON envelope.
func BadGateway() Failure {
	return Failure{Code: http.StatusBadGateway, Description: "Bad Gateway",
		Body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"}
}

// TooManyRequests is the 429 Telegram answers when a chat's rate is exceeded.
func TooManyRequests(retryAfter int) Failure {
	return Failure{Code: http.StatusTooManyRequests, RetryAfter: retryAfter,
		Description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)}
}

// Server is a fake Bot API server. It is safe for concurrent use.
type Server struct {
	token string
	me    User
	srv   *httptest.Server
	done  chan struct{}

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever calls or updates change
	calls    []Call
	updates  []Update
	lastID   int64
	chats    map[int64]Chat
	messages map[int64]map[int]*Message // chat id → message id → message
	nextMsg  map[int64]int
	failures map[string][]Failure
	webhook  map[string]string // the fields of the last setWebhook
}

// New starts a Server for the bot @chatplay_test_bot with DefaultToken and
// closes it when tb ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		token:    DefaultToken,
		me:       User{ID: 123456789, IsBot: true, FirstName: "chatplay", Username: "chatplay_test_bot"},
		done:     make(chan struct{}),
		changed:  make(chan struct{}),
		chats:    make(map[int64]Chat),
		messages: make(map[int64]map[int]*Message),
		nextMsg:  make(map[int64]int),
		failures: make(map[string][]Failure),
		lastID:   1000,
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	tb.Cleanup(func() {
		close(s.done)
		s.srv.Close()
	})
	return s
}

// URL returns the server's root, for bot.WithServerURL.
func (s *Server) URL() string { return s.srv.URL }

// Token returns the token the server accepts.
func (s *Server) Token() string { return s.token }

// Me returns the bot user that getMe answers.
func (s *Server) Me() User { return s.me }

// Fail makes the next call of method (e.g. "editMessageText") fail with f,
// once; several Fail calls queue.
func (s *Server) Fail(method string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	s.failures[key] = append(s.failures[key], f)
}

// PushUpdate queues u for getUpdates and returns its update_id, assigning the
// next one when u has none (pushing the same id twice is a duplicate
// delivery). Its message, and the message of its callback query, get an id
// and a date when they have none and become part of the chat, so that replies
// to them and edits of them work.
func (s *Server) PushUpdate(u Update) int64 {
	return s.PushUpdates(u)[0]
}

// PushUpdates queues several updates at once, so that one getUpdates
// returns them together (the same update twice: a duplicate delivery in one
// batch), and returns their update_ids.
func (s *Server) PushUpdates(us ...Update) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = s.queue(u)
	}
	s.notify()
	return ids
}

// queue assigns u its ids and queues it. s.mu must be held.
func (s *Server) queue(u Update) int64 {
	if u.UpdateID == 0 {
		s.lastID++
		u.UpdateID = s.lastID
	} else if u.UpdateID > s.lastID {
		s.lastID = u.UpdateID
	}
	if u.Message != nil {
		s.addMessage(u.Message)
	}
	if u.CallbackQuery != nil && u.CallbackQuery.Message != nil {
		s.addCallbackMessage(u.CallbackQuery)
	}
	s.updates = append(s.updates, u)
	return u.UpdateID
}

// NextUpdateID returns a fresh update_id, for updates delivered otherwise
// (a webhook request).
func (s *Server) NextUpdateID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastID++
	return s.lastID
}

// addMessage gives m an id and a date if it has none and stores it.
func (s *Server) addMessage(m *Message) {
	if _, ok := s.chats[m.Chat.ID]; !ok {
		s.chats[m.Chat.ID] = m.Chat
	}
	if m.MessageID == 0 {
		s.nextMsg[m.Chat.ID]++
		m.MessageID = s.nextMsg[m.Chat.ID]
	} else if m.MessageID > s.nextMsg[m.Chat.ID] {
		s.nextMsg[m.Chat.ID] = m.MessageID
	}
	if m.Date == 0 {
		m.Date = time.Now().Unix()
	}
	if s.messages[m.Chat.ID] == nil {
		s.messages[m.Chat.ID] = make(map[int]*Message)
	}
	cp := *m
	s.messages[m.Chat.ID][m.MessageID] = &cp
}

// addCallbackMessage makes q carry the current state of the message its
// button is on, as Telegram does, when the server knows that message.
func (s *Server) addCallbackMessage(q *CallbackQuery) {
	if m, ok := s.messages[q.Message.Chat.ID][q.Message.MessageID]; ok && q.Message.MessageID != 0 {
		cp := *m
		q.Message = &cp
		return
	}
	s.addMessage(q.Message)
}

// Message returns the current state of a message in a chat (after the bot's
// edits: the plain text a user sees).
func (s *Server) Message(chatID int64, id int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[chatID][id]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// Webhook returns the fields of the last setWebhook call (url, secret_token,
// …), nil when there was none or deleteWebhook came after it.
func (s *Server) Webhook() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// notify wakes everyone waiting for a change. s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// serveHTTP routes /bot<token>/<method>.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" {
		writeEnvelope(w, envelope{ErrorCode: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != s.token {
		writeEnvelope(w, envelope{ErrorCode: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	fields, err := decodeFields(r)
	if err != nil {
		writeEnvelope(w, envelope{ErrorCode: http.StatusBadRequest, Description: "Bad Request: " + err.Error()})
		return
	}
	name, h := s.route(method)
	call := Call{Method: name, Fields: fields, At: time.Now()}
	if h == nil {
		call.Method = method
		s.finish(w, call, envelope{ErrorCode: http.StatusNotFound, Description: "Not Found: method not found"})
		return
	}
	if name == "getUpdates" {
		s.getUpdates(w, r, call)
		return
	}
	s.mu.Lock()
	if f := s.failures[strings.ToLower(name)]; len(f) > 0 {
		s.failures[strings.ToLower(name)] = f[1:]
		s.mu.Unlock()
		if f[0].Body != "" {
			s.finishRaw(w, call, f[0])
			return
		}
		env := envelope{ErrorCode: f[0].Code, Description: f[0].Description}
		if f[0].RetryAfter > 0 {
			env.Parameters = &parameters{RetryAfter: f[0].RetryAfter}
		}
		s.finish(w, call, env)
		return
	}
	result, err := h(fields)
	s.mu.Unlock()
	if err != nil {
		s.finish(w, call, envelope{ErrorCode: http.StatusBadRequest, Description: "Bad Request: " + err.Error()})
		return
	}
	s.finish(w, call, envelope{OK: true, Result: result})
}

// finish records call with env's outcome and writes env.
func (s *Server) finish(w http.ResponseWriter, call Call, env envelope) {
	call.ErrorCode, call.Description = env.ErrorCode, env.Description
	if env.OK {
		call.Result, _ = json.Marshal(env.Result)
	}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.notify()
	s.mu.Unlock()
	writeEnvelope(w, env)
}

// finishRaw records call as failed with f and writes f's body as it is.
func (s *Server) finishRaw(w http.ResponseWriter, call Call, f Failure) {
	call.ErrorCode, call.Description = f.Code, f.Description
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.notify()
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(f.Code)
	_, _ = w.Write([]byte(f.Body))
}

// getUpdates answers with the queued updates at or after offset, waiting up
// to timeout seconds for one, as long polling does.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, call Call) {
	offset, _ := strconv.ParseInt(call.Fields["offset"], 10, 64)
	limit, _ := strconv.Atoi(call.Fields["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(call.Fields["timeout"])
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if offset > 0 {
			s.updates = slices.DeleteFunc(s.updates, func(u Update) bool { return u.UpdateID < offset })
		}
		out := s.updates[:min(limit, len(s.updates))]
		out = append([]Update{}, out...)
		changed := s.changed
		s.mu.Unlock()
		if len(out) > 0 || timeout <= 0 {
			s.finish(w, call, envelope{OK: true, Result: out})
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			timeout = 0
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

func writeEnvelope(w http.ResponseWriter, env envelope) {
	w.Header().Set("Content-Type", "application/json")
	if !env.OK {
		w.WriteHeader(env.ErrorCode)
	}
	_ = json.NewEncoder(w).Encode(env)
}
