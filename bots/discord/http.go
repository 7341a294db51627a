package discord

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// maxInteractionBody bounds the body of a request to the interactions endpoint.
const maxInteractionBody = 1 << 20

// InteractionsHandler returns the HTTP interactions endpoint, to mount at
// POST /discord/interactions and to set as the application's Interactions
// Endpoint URL. It checks the Ed25519 signature first and answers 401 to a
// request that fails it, before anything else happens; it answers PING; any
// other interaction takes the same path as one from the gateway, its initial
// response written as the HTTP response.
func (b *Bot) InteractionsHandler() http.Handler { return http.HandlerFunc(b.serveInteraction) }

// maxSignatureAge bounds how old a signed request may be. Claimed interaction
// ids are forgotten after engine.EventRetention; without this bound a captured
// request could be replayed, and act again, after that.
const maxSignatureAge = 5 * time.Minute

// freshTimestamp reports whether ts, the signed X-Signature-Timestamp (Unix
// seconds), is within maxSignatureAge of now.
func freshTimestamp(ts string, now time.Time) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	age := now.Sub(time.Unix(sec, 0))
	return age < maxSignatureAge && age > -maxSignatureAge
}

// serveInteraction serves one request of the interactions endpoint.
func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxInteractionBody)
	if b.publicKey == nil || !discordgo.VerifyInteraction(r, b.publicKey) || !freshTimestamp(r.Header.Get("X-Signature-Timestamp"), time.Now()) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var in discordgo.Interaction
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, "invalid interaction", http.StatusBadRequest)
		return
	}
	if in.Type == discordgo.InteractionPing {
		writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}

	hx := &httpExchange{first: make(chan any, 1), written: make(chan struct{})}
	ended := make(chan struct{})
	if !b.track(func(ctx context.Context) {
		defer close(ended)
		b.handleInteraction(ctx, &in, hx.respond)
	}) {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	select {
	case resp := <-hx.first:
		writeResponse(w, resp)
		hx.done(true)
	case <-ended: // a repeated delivery: already answered
		http.Error(w, "interaction already handled", http.StatusConflict)
		hx.done(false)
	case <-r.Context().Done():
		hx.done(false)
	}
}

// httpExchange hands an interaction's initial response from its handler to
// the HTTP response.
type httpExchange struct {
	first   chan any
	written chan struct{}
	once    sync.Once
	ok      bool
}

// respond gives the initial response to the HTTP handler and waits until it
// is written, so that later edits of it come after it.
func (hx *httpExchange) respond(ctx context.Context, resp any) error {
	select {
	case hx.first <- resp:
	default:
		return errors.New("discord: interaction already answered")
	}
	select {
	case <-hx.written:
	case <-ctx.Done():
		return ctx.Err()
	}
	if !hx.ok {
		return errors.New("discord: the interaction request ended before its response")
	}
	return nil
}

// done records whether the response was written.
func (hx *httpExchange) done(ok bool) {
	hx.once.Do(func() {
		hx.ok = ok
		close(hx.written)
	})
}

// writeResponse writes an interaction response as JSON.
func writeResponse(w http.ResponseWriter, resp any) {
	body, err := json.Marshal(resp)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}
