package discordfake

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf16"
)

// Channel is the part of a Discord channel object the fake keeps.
type Channel struct {
	ID       string `json:"id"`
	Type     int    `json:"type"` // 0 text, 1 DM, 11 public thread, 12 private thread
	GuildID  string `json:"guild_id,omitempty"`
	ParentID string `json:"parent_id,omitempty"`
	OwnerID  string `json:"owner_id,omitempty"`
	Name     string `json:"name,omitempty"`
}

// Message is a message the fake keeps, as last written.
type Message struct {
	ID        string
	ChannelID string
	Content   string
	Flags     int
	Deleted   bool
	// Components are the message's components (buttons in action rows), as
	// last written, decoded from JSON.
	Components []any
	// Embeds are the message's embeds, as last written, decoded from JSON.
	Embeds []any
}

// str returns *p, or "" when p is nil (content absent beside embeds).
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// routes registers the endpoints.
func (s *Server) routes() {
	s.mux.HandleFunc("POST /interactions/{id}/{token}/callback", s.callback)
	s.mux.HandleFunc("POST /webhooks/{app}/{token}", s.followup)
	s.mux.HandleFunc("PATCH /webhooks/{app}/{token}/messages/{mid}", s.webhookEdit)
	s.mux.HandleFunc("DELETE /webhooks/{app}/{token}/messages/{mid}", s.webhookDelete)
	s.mux.HandleFunc("POST /channels/{cid}/messages", s.channelSend)
	s.mux.HandleFunc("PATCH /channels/{cid}/messages/{mid}", s.channelEdit)
	s.mux.HandleFunc("POST /channels/{cid}/threads", s.threadStart)
	s.mux.HandleFunc("GET /channels/{cid}", s.channelGet)
	s.mux.HandleFunc("PUT /applications/{app}/commands", s.commands)
	s.mux.HandleFunc("PUT /applications/{app}/guilds/{gid}/commands", s.commands)
	s.mux.HandleFunc("GET /gateway", s.gatewayURL)
	s.mux.HandleFunc("GET /gateway/bot", s.gatewayURL)
	s.mux.HandleFunc("GET /users/@me", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, botUser()) })
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeError(w, http.StatusNotFound, 0, "404: Not Found") })
}

// Message returns the message with id in channel (a channel id, or the
// interaction token for webhook messages; "@original" for an interaction's
// original response).
func (s *Server) Message(channel, id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[channel+"/"+id]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// Messages returns the messages of channel (a channel id, or an
// interaction token) that are not deleted, in order of creation, as last
// written: what the channel shows of the bot.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, k := range s.order {
		if m := s.messages[k]; strings.HasPrefix(k, channel+"/") && !m.Deleted {
			out = append(out, *m)
		}
	}
	return out
}

// put stores a new message under key; s.mu is held.
func (s *Server) put(key string, m *Message) {
	if _, ok := s.messages[key]; !ok {
		s.order = append(s.order, key)
	}
	s.messages[key] = m
}

// messageBody is the part of a message payload the fake checks.
type messageBody struct {
	Type       int     `json:"type"` // of an interaction callback
	Content    *string `json:"content"`
	Flags      int     `json:"flags"`
	Components []any   `json:"components"`
	Embeds     []any   `json:"embeds"`
	Data       *struct {
		Content    *string `json:"content"`
		Flags      int     `json:"flags"`
		Components []any   `json:"components"`
		Embeds     []any   `json:"embeds"`
	} `json:"data"`
}

// hasMore reports whether the message carries something to show besides
// its content.
func (b *messageBody) hasMore() bool { return len(b.Components)+len(b.Embeds) > 0 }

// checkContent answers Discord's errors for content that is too long (more
// than 2000 characters) or empty: Discord trims white space, and refuses a
// message left with no content and nothing else to show (components,
// embeds) with 50006. Content absent is empty where it is required (a new
// message), and leaves the content as it is elsewhere (an edit, a
// deferral). It reports whether the content may be written.
func checkContent(w http.ResponseWriter, content *string, required, hasMore bool) bool {
	if content != nil && len(utf16.Encode([]rune(*content))) > 2000 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035,
			"errors": map[string]any{"content": map[string]any{"_errors": []any{map[string]any{
				"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}}}}})
		return false
	}
	empty := content == nil && required || content != nil && strings.TrimSpace(*content) == ""
	if empty && !hasMore {
		writeError(w, http.StatusBadRequest, 50006, "Cannot send an empty message")
		return false
	}
	return true
}

// callback answers POST /interactions/{id}/{token}/callback: 204, once per interaction.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	var b messageBody
	if json.NewDecoder(r.Body).Decode(&b) != nil {
		writeError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	var content *string
	flags, more := 0, false
	if b.Data != nil {
		content, flags, more = b.Data.Content, b.Data.Flags, len(b.Data.Components)+len(b.Data.Embeds) > 0
	}
	if b.Type != 4 && b.Type != 7 { // only a message (4) or a message update (7) shows the content
		more = true
	}
	if !checkContent(w, content, false, more) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	if s.acked[id] {
		writeError(w, http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
		return
	}
	s.acked[id] = true
	m := &Message{ID: s.nextID(), ChannelID: "interaction", Flags: flags}
	if content != nil {
		m.Content = *content
	}
	if b.Data != nil {
		m.Components, m.Embeds = b.Data.Components, b.Data.Embeds
	}
	s.put(r.PathValue("token")+"/@original", m)
	w.WriteHeader(http.StatusNoContent)
}

// followup answers POST /webhooks/{app}/{token}: a new followup message.
func (s *Server) followup(w http.ResponseWriter, r *http.Request) {
	var b messageBody
	if json.NewDecoder(r.Body).Decode(&b) != nil {
		writeError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	if !checkContent(w, b.Content, true, b.hasMore()) {
		return
	}
	s.mu.Lock()
	m := &Message{ID: s.nextID(), ChannelID: "interaction", Content: str(b.Content), Flags: b.Flags, Components: b.Components,
		Embeds: b.Embeds}
	s.put(r.PathValue("token")+"/"+m.ID, m)
	out := messageJSON(*m)
	s.mu.Unlock()
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// webhookEdit answers PATCH /webhooks/{app}/{token}/messages/{mid}.
func (s *Server) webhookEdit(w http.ResponseWriter, r *http.Request) {
	s.edit(w, r, r.PathValue("token"))
}

// channelEdit answers PATCH /channels/{cid}/messages/{mid}.
func (s *Server) channelEdit(w http.ResponseWriter, r *http.Request) {
	s.edit(w, r, r.PathValue("cid"))
}

// edit writes a message's new content.
func (s *Server) edit(w http.ResponseWriter, r *http.Request, channel string) {
	var b messageBody
	if json.NewDecoder(r.Body).Decode(&b) != nil {
		writeError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	if !checkContent(w, b.Content, false, b.hasMore()) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mid := r.PathValue("mid")
	m, ok := s.messages[channel+"/"+mid]
	if !ok && mid == "@original" {
		m = &Message{ID: s.nextID(), ChannelID: "interaction"} // answered over HTTP, not through the callback
		s.put(channel+"/"+mid, m)
	} else if !ok || m.Deleted {
		writeError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	if b.Content != nil {
		m.Content = *b.Content
	}
	if b.Components != nil {
		m.Components = b.Components
	}
	if b.Embeds != nil {
		m.Embeds = b.Embeds
	}
	writeJSON(w, http.StatusOK, messageJSON(*m))
}

// webhookDelete answers DELETE /webhooks/{app}/{token}/messages/{mid}.
func (s *Server) webhookDelete(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.PathValue("token") + "/" + r.PathValue("mid")
	m, ok := s.messages[key]
	if !ok && r.PathValue("mid") == "@original" {
		m = &Message{ID: s.nextID()}
		s.put(key, m)
	} else if !ok || m.Deleted {
		writeError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	m.Deleted = true
	w.WriteHeader(http.StatusNoContent)
}

// channelSend answers POST /channels/{cid}/messages.
func (s *Server) channelSend(w http.ResponseWriter, r *http.Request) {
	var b messageBody
	if json.NewDecoder(r.Body).Decode(&b) != nil {
		writeError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	if !checkContent(w, b.Content, true, b.hasMore()) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cid := r.PathValue("cid")
	m := &Message{ID: s.nextID(), ChannelID: cid, Content: str(b.Content), Flags: b.Flags, Components: b.Components, Embeds: b.Embeds}
	s.put(cid+"/"+m.ID, m)
	writeJSON(w, http.StatusOK, messageJSON(*m))
}

// threadStart answers POST /channels/{cid}/threads: a public thread owned by the bot.
func (s *Server) threadStart(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name string `json:"name"`
		Type int    `json:"type"`
	}
	if json.NewDecoder(r.Body).Decode(&b) != nil || b.Name == "" || len([]rune(b.Name)) > 100 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := r.PathValue("cid")
	if p, ok := s.channels[parent]; ok && (p.Type == 1 || p.Type == 11 || p.Type == 12) {
		writeError(w, http.StatusBadRequest, 50024, "Cannot execute action on this channel type")
		return
	}
	guild := ""
	if p, ok := s.channels[parent]; ok {
		guild = p.GuildID
	}
	typ := b.Type
	if typ == 0 {
		typ = 12
	}
	ch := &Channel{ID: s.nextID(), Type: typ, GuildID: guild, ParentID: parent, OwnerID: BotUserID, Name: b.Name}
	s.channels[ch.ID] = ch
	out := map[string]any{"id": ch.ID, "type": ch.Type, "guild_id": ch.GuildID, "parent_id": ch.ParentID,
		"owner_id": ch.OwnerID, "name": ch.Name, "message_count": 0, "member_count": 1,
		"thread_metadata": map[string]any{"archived": false, "auto_archive_duration": 1440, "locked": false,
			"archive_timestamp": time.Now().UTC().Format(time.RFC3339)}}
	writeJSON(w, http.StatusCreated, out)
}

// channelGet answers GET /channels/{cid}.
func (s *Server) channelGet(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ch, ok := s.channels[r.PathValue("cid")]
	var c Channel
	if ok {
		c = *ch
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, 10003, "Unknown Channel")
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// commands answers the bulk overwrite of application commands: the commands
// with ids.
func (s *Server) commands(w http.ResponseWriter, r *http.Request) {
	var cmds []map[string]any
	if json.NewDecoder(r.Body).Decode(&cmds) != nil {
		writeError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	s.mu.Lock()
	for _, c := range cmds {
		c["id"] = s.nextID()
		c["application_id"] = r.PathValue("app")
		c["version"] = s.nextID()
		if g := r.PathValue("gid"); g != "" {
			c["guild_id"] = g
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, cmds)
}

// botUser is the bot's user object.
func botUser() map[string]any {
	return map[string]any{"id": BotUserID, "username": BotName, "discriminator": "0", "global_name": nil,
		"avatar": nil, "bot": true, "flags": 0}
}

// messageJSON is a message object as Discord answers it.
func messageJSON(m Message) map[string]any {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	components := m.Components
	if components == nil {
		components = []any{}
	}
	embeds := m.Embeds
	if embeds == nil {
		embeds = []any{}
	}
	return map[string]any{"id": m.ID, "type": 0, "channel_id": m.ChannelID, "content": m.Content,
		"author": botUser(), "timestamp": now, "edited_timestamp": nil, "tts": false, "mention_everyone": false,
		"mentions": []any{}, "mention_roles": []any{}, "attachments": []any{}, "embeds": embeds,
		"components": components, "pinned": false, "flags": m.Flags}
}
