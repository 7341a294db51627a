package telegramfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func post(t *testing.T, s *Server, method, contentType, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/"+method, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var env map[string]any
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("%s: not a JSON envelope: %s", method, raw)
	}
	return resp.StatusCode, env
}

func TestEnvelopesAndBodies(t *testing.T) {
	s := New(t)
	s.PushUpdate(Update{Message: Text(Chat{ID: 7, Type: "private"}, User{ID: 7, FirstName: "A"}, "hi")})

	code, env := post(t, s, "sendMessage", "application/json", `{"chat_id":7,"text":"a &lt; b","parse_mode":"HTML","reply_markup":{"inline_keyboard":[]}}`)
	if code != 200 || env["ok"] != true {
		t.Fatalf("JSON body: %d %v", code, env)
	}
	if got := env["result"].(map[string]any)["text"]; got != "a < b" {
		t.Fatalf("result text = %v", got)
	}
	form := url.Values{"chat_id": {"7"}, "text": {"x"}}
	if code, env := post(t, s, "SENDMESSAGE", "application/x-www-form-urlencoded", form.Encode()); code != 200 || env["ok"] != true {
		t.Fatalf("form body, method in capitals: %d %v", code, env)
	}
	c := s.Calls("sendMessage")
	if len(c) != 2 || c[0].Fields["reply_markup"] != `{"inline_keyboard":[]}` || c[1].Fields["text"] != "x" {
		t.Fatalf("calls = %+v", c)
	}

	if code, env := post(t, s, "sendMessage", "application/json", `{"chat_id":7,"text":"a < b","parse_mode":"HTML"}`); code != 400 ||
		!strings.HasPrefix(env["description"].(string), "Bad Request: can't parse entities") {
		t.Fatalf("broken HTML: %d %v", code, env)
	}
	id := c[1].MessageID()
	edit := `{"chat_id":7,"message_id":` + jsonInt(int64(id)) + `,"text":"x"}`
	if code, env := post(t, s, "editMessageText", "application/json", edit); code != 400 ||
		!strings.Contains(env["description"].(string), "message is not modified") {
		t.Fatalf("same text: %d %v", code, env)
	}

	s.Fail("sendChatAction", TooManyRequests(3))
	code, env = post(t, s, "sendChatAction", "application/json", `{"chat_id":7,"action":"typing"}`)
	if code != 429 || env["error_code"] != float64(429) || env["parameters"].(map[string]any)["retry_after"] != float64(3) ||
		env["description"] != "Too Many Requests: retry after 3" {
		t.Fatalf("429: %d %v", code, env)
	}
	if code, _ := post(t, s, "sendChatAction", "application/json", `{"chat_id":7,"action":"typing"}`); code != 200 {
		t.Fatal("the failure was not once")
	}

	resp, err := http.Post(s.URL()+"/botWRONG/getMe", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("wrong token: %d", resp.StatusCode)
	}
}

func TestGetUpdatesOffset(t *testing.T) {
	s := New(t)
	chat, user := Chat{ID: 1, Type: "private"}, User{ID: 1, FirstName: "A"}
	a := s.PushUpdate(Update{Message: Text(chat, user, "one")})
	b := s.PushUpdate(Update{Message: Text(chat, user, "two")})
	_, env := post(t, s, "getUpdates", "application/json", `{"timeout":0}`)
	if n := len(env["result"].([]any)); n != 2 {
		t.Fatalf("%d updates, want 2", n)
	}
	_, env = post(t, s, "getUpdates", "application/json", `{"offset":`+jsonInt(b)+`}`)
	if n := len(env["result"].([]any)); n != 1 || a+1 != b {
		t.Fatalf("%d updates after confirming the first, want 1", n)
	}
	_, env = post(t, s, "getUpdates", "application/json", `{"offset":`+jsonInt(b+1)+`}`)
	if n := len(env["result"].([]any)); n != 0 {
		t.Fatalf("%d updates after confirming all, want 0", n)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestParseHTML(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                              "plain",
		"<b>bold</b> &amp; &lt;i&gt;":        "bold & <i>",
		"&#60;&#x3E;":                        "<>",
		`<a href="tg://user?id=1">A</a>, hi`: "A, hi",
	} {
		got, err := ParseHTML(in)
		if err != nil || got != want {
			t.Errorf("ParseHTML(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"a < b", "a > b", "a & b", "<script>x</script>", "<b>x", "<b>x</i>", "&nbsp;", "\xff"} {
		if _, err := ParseHTML(bad); err == nil {
			t.Errorf("ParseHTML(%q) accepted it", bad)
		}
	}
}

func TestEntities(t *testing.T) {
	got := Entities("/new@bot x 😀 @alice and @b")
	want := []Entity{{"bot_command", 0, 8}, {"mention", 14, 6}, {"mention", 25, 2}}
	if len(got) != len(want) {
		t.Fatalf("Entities = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Entities = %+v, want %+v", got, want)
		}
	}
}

// A scripted 502 answers the proxy's HTML page, once, and is recorded.
func TestBadGateway(t *testing.T) {
	s := New(t)
	s.Fail("editMessageText", BadGateway())
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/editMessageText", "application/json", strings.NewReader(`{"chat_id":7}`))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(raw), "<h1>502 Bad Gateway</h1>") {
		t.Fatalf("answered %d %s", resp.StatusCode, raw)
	}
	if c := s.Calls("editMessageText"); len(c) != 1 || c[0].ErrorCode != http.StatusBadGateway {
		t.Fatalf("calls = %+v", c)
	}
	if code, _ := post(t, s, "editMessageText", "application/json", `{"chat_id":7}`); code == http.StatusBadGateway {
		t.Fatal("the failure was not once")
	}
}
