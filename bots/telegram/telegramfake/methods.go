package telegramfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// handler serves one method from its decoded fields; s.mu is held.
type handler func(f map[string]string) (any, error)

// route returns the canonical name and the handler of method, matched case-
// insensitively as Telegram does; a nil handler for an unknown method.
func (s *Server) route(method string) (string, handler) {
	table := map[string]handler{
		"getMe":                  func(map[string]string) (any, error) { return s.me, nil },
		"getUpdates":             func(map[string]string) (any, error) { return nil, nil }, // served by getUpdates
		"sendMessage":            s.sendMessage,
		"editMessageText":        s.editMessageText,
		"editMessageReplyMarkup": s.editMessageReplyMarkup,
		"deleteMessage":          s.deleteMessage,
		"sendChatAction":         okTrue("chat_id", "action"),
		"answerCallbackQuery":    okTrue("callback_query_id"),
		"setMyCommands":          okTrue("commands"),
		"deleteMyCommands":       okTrue(),
		"setWebhook":             s.setWebhook,
		"deleteWebhook": func(map[string]string) (any, error) {
			s.webhook = nil
			return true, nil
		},
	}
	for name, h := range table {
		if strings.EqualFold(name, method) {
			return name, h
		}
	}
	return "", nil
}

// okTrue answers true once the required fields are present.
func okTrue(required ...string) handler {
	return func(f map[string]string) (any, error) {
		for _, k := range required {
			if f[k] == "" {
				return nil, fmt.Errorf("%s is empty", k)
			}
		}
		return true, nil
	}
}

func (s *Server) setWebhook(f map[string]string) (any, error) {
	if f["url"] == "" {
		return nil, fmt.Errorf("bad webhook: An HTTPS URL must be provided for webhook")
	}
	s.webhook = f
	return true, nil
}

// visibleText checks text against the parse mode and Telegram's limits and
// returns what a user sees.
func visibleText(f map[string]string) (string, error) {
	text := f["text"]
	if f["parse_mode"] == "HTML" {
		plain, err := ParseHTML(text)
		if err != nil {
			return "", err
		}
		text = plain
	} else if f["parse_mode"] != "" {
		return "", fmt.Errorf("unsupported parse_mode %q in the fake", f["parse_mode"])
	}
	if strings.TrimSpace(text) == "" {
		return "", fmt.Errorf("message text is empty")
	}
	if TextLen(text) > 4096 {
		return "", fmt.Errorf("message is too long")
	}
	return text, nil
}

func (s *Server) chatOf(f map[string]string) (Chat, error) {
	id, err := strconv.ParseInt(f["chat_id"], 10, 64)
	if err != nil {
		return Chat{}, fmt.Errorf("chat not found")
	}
	c, ok := s.chats[id]
	if !ok {
		return Chat{}, fmt.Errorf("chat not found")
	}
	return c, nil
}

func (s *Server) sendMessage(f map[string]string) (any, error) {
	chat, err := s.chatOf(f)
	if err != nil {
		return nil, err
	}
	text, err := visibleText(f)
	if err != nil {
		return nil, err
	}
	me := s.me
	m := &Message{From: &me, Chat: chat, Text: text}
	if markup := f["reply_markup"]; markup != "" {
		if !json.Valid([]byte(markup)) {
			return nil, fmt.Errorf("can't parse reply keyboard markup JSON object")
		}
		m.ReplyMarkup = json.RawMessage(markup)
	}
	if rp := f["reply_parameters"]; rp != "" {
		var p struct {
			MessageID int `json:"message_id"`
		}
		if err := json.Unmarshal([]byte(rp), &p); err != nil {
			return nil, fmt.Errorf("can't parse reply parameters JSON object")
		}
		if orig, ok := s.messages[chat.ID][p.MessageID]; ok {
			cp := *orig
			cp.ReplyToMessage = nil
			m.ReplyToMessage = &cp
		}
	}
	s.addMessage(m)
	return *s.messages[chat.ID][m.MessageID], nil
}

// botMessage returns the bot's message named by chat_id and message_id.
func (s *Server) botMessage(f map[string]string) (*Message, error) {
	chat, err := s.chatOf(f)
	if err != nil {
		return nil, err
	}
	id, _ := strconv.Atoi(f["message_id"])
	m, ok := s.messages[chat.ID][id]
	if !ok {
		return nil, fmt.Errorf("message to edit not found")
	}
	if m.From == nil || m.From.ID != s.me.ID {
		return nil, fmt.Errorf("message can't be edited")
	}
	return m, nil
}

func (s *Server) editMessageText(f map[string]string) (any, error) {
	m, err := s.botMessage(f)
	if err != nil {
		return nil, err
	}
	text, err := visibleText(f)
	if err != nil {
		return nil, err
	}
	markup := json.RawMessage(f["reply_markup"])
	if len(markup) == 0 {
		markup = nil
	}
	if text == m.Text && string(markup) == string(m.ReplyMarkup) {
		return nil, fmt.Errorf("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	m.Text, m.ReplyMarkup, m.EditDate = text, markup, time.Now().Unix()
	return *m, nil
}

func (s *Server) editMessageReplyMarkup(f map[string]string) (any, error) {
	m, err := s.botMessage(f)
	if err != nil {
		return nil, err
	}
	markup := json.RawMessage(f["reply_markup"])
	if len(markup) == 0 {
		markup = nil
	}
	if string(markup) == string(m.ReplyMarkup) {
		return nil, fmt.Errorf("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	m.ReplyMarkup, m.EditDate = markup, time.Now().Unix()
	return *m, nil
}

func (s *Server) deleteMessage(f map[string]string) (any, error) {
	chat, err := s.chatOf(f)
	if err != nil {
		return nil, err
	}
	id, _ := strconv.Atoi(f["message_id"])
	if _, ok := s.messages[chat.ID][id]; !ok {
		return nil, fmt.Errorf("message to delete not found")
	}
	delete(s.messages[chat.ID], id)
	return true, nil
}

// decodeFields reads a request's parameters the ways the Bot API accepts
// them: the query string, then an application/json,
// application/x-www-form-urlencoded or multipart/form-data body. JSON values
// that are not strings are kept as their JSON text, as a form carries them.
func decodeFields(r *http.Request) (map[string]string, error) {
	fields := make(map[string]string)
	for k, v := range r.URL.Query() {
		fields[k] = v[0]
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		var body map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, fmt.Errorf("can't parse JSON body: %w", err)
		}
		for k, raw := range body {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				fields[k] = s
			} else {
				fields[k] = string(raw)
			}
		}
	case strings.HasPrefix(ct, "multipart/form-data"):
		// A client with no parameters may send an empty body (no closing
		// boundary); Telegram takes it as no parameters.
		if err := r.ParseMultipartForm(32 << 20); errors.Is(err, io.EOF) {
			return fields, nil
		} else if err != nil {
			return nil, fmt.Errorf("can't parse multipart form: %w", err)
		}
		for k, v := range r.MultipartForm.Value {
			fields[k] = v[0]
		}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("can't parse form: %w", err)
		}
		for k, v := range r.PostForm {
			fields[k] = v[0]
		}
	}
	return fields, nil
}
