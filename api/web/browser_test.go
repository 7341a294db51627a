package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/api/web"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/tiktoken"
)

// chromiumEnv names the environment variable that points the browser tests
// at a Chromium binary.
const chromiumEnv = "CHATPLAY_CHROMIUM"

// chromiumPath finds Chromium: $CHATPLAY_CHROMIUM, /usr/bin/chromium, or
// chromium on PATH; "" when there is none.
func chromiumPath() string {
	if p := os.Getenv(chromiumEnv); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// startBrowser launches one headless Chromium for t and its subtests, with a
// fresh profile, closed when t ends. Without Chromium the test is skipped,
// except under CI (CI=true), where it fails.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		msg := "no Chromium found: install Debian's chromium (apt-get install chromium fonts-noto-cjk) or set " + chromiumEnv
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("force-color-profile", "srgb"),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// server is the real service on httptest: the API router over a real
// database and engine, the fake model server behind it, composed with the
// web app by web.Mount exactly as cmd/chatplay does.
type server struct {
	t    *testing.T
	db   *sqlstore.DB
	eng  *engine.Engine
	fake *openaifake.Server
	url  string
	gate atomic.Pointer[gate] // requests it matches wait until it opens
}

var (
	tokenizerOnce sync.Once
	tokenizer     *tiktoken.Counter
)

func newServer(t *testing.T, db *sqlstore.DB) *server {
	t.Helper()
	tokenizerOnce.Do(func() {
		var err error
		if tokenizer, err = tiktoken.New("o200k_base"); err != nil {
			panic(err)
		}
	})
	s := &server{t: t, db: db, fake: openaifake.New(t)}
	ecfg := engine.DefaultConfig()
	ecfg.Models = engine.ModelPolicy{Default: "test-model"}
	ecfg.Retry.BaseDelay = time.Millisecond
	ecfg.Limits.TurnsPerMinute = 1000
	ecfg.Limits.MaxMessageRunes = 3000   // not the default: the page must take it from GET /meta
	ecfg.Limits.MaxSituationRunes = 1500 // likewise
	ecfg.ShutdownGrace = 5 * time.Second
	log := slog.New(slog.DiscardHandler)
	s.eng = engine.New(ecfg, engine.Deps{
		Store:  db,
		Model:  openai.New(openai.Config{BaseURL: s.fake.URL(), Timeout: 20 * time.Second}),
		Tokens: tokenizer,
		Logger: log,
	})
	acfg := api.DefaultConfig()
	acfg.JWTSecret = []byte("browser-test-secret-browser-test-secret")
	acfg.LoginAttemptsPerIP = 10000
	router := api.NewRouter(api.Deps{Engine: s.eng, Sessions: db, Ready: db.Ping, Logger: log, Auth: acfg})
	srv := httptest.NewServer(s.gated(web.Mount(router)))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

var emailSeq atomic.Int64

// newEmail returns an address no other test uses.
func newEmail(name string) string {
	return fmt.Sprintf("%s.%d@example.com", name, emailSeq.Add(1))
}

const testPassword = "correct horse battery staple"

// apiUser is an account made through the API, outside the browser.
type apiUser struct {
	email, token string
	id           int64
}

// signup creates an account through the API, named display (or name).
func (s *server) signup(name string, display ...string) apiUser {
	s.t.Helper()
	u := apiUser{email: newEmail(name)}
	if len(display) > 0 {
		name = display[0]
	}
	var out struct {
		AccessToken string `json:"access_token"`
		User        struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	s.call("", "POST", "/api/v1/auth/signup", map[string]string{"email": u.email, "password": testPassword, "display_name": name}, http.StatusCreated, &out)
	u.token, u.id = out.AccessToken, out.User.ID
	return u
}

// call sends an API request with a Bearer token and decodes the answer into out.
func (s *server) call(token, method, path string, body any, status int, out any) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		s.t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, data, status)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			s.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// tab is one browser tab in a browser context of its own (own cookies and
// storage), on a server.
type tab struct {
	t   *testing.T
	ctx context.Context
	srv *server
}

// stepTimeout bounds every browser step.
const stepTimeout = 20 * time.Second

// watchScript runs in every document before the page's own scripts and
// records what should never happen: uncaught errors, unhandled promise
// rejections and Content-Security-Policy violations.
const watchScript = `window.__problems = [];
addEventListener("error", (e) => __problems.push("uncaught error: " + e.message));
addEventListener("unhandledrejection", (e) => __problems.push("unhandled rejection: " + (e.reason && e.reason.message || e.reason)));
document.addEventListener("securitypolicyviolation", (e) => __problems.push("CSP violation: " + e.violatedDirective + " " + e.blockedURI));`

// newTab opens a tab in a fresh browser context, closed when t ends. When
// t ends the tab's document must have had no problem (see watchScript).
func newTab(t *testing.T, browser context.Context, srv *server) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchScript}); err != nil {
		t.Fatalf("watch the tab: %v", err)
	}
	p := &tab{t: t, ctx: ctx, srv: srv}
	t.Cleanup(p.checkProblems)
	return p
}

// checkProblems fails the test for every problem watchScript recorded in the
// current document.
func (p *tab) checkProblems() {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__problems || []`))
	if err != nil {
		return // the tab is gone; the test failed already
	}
	for _, problem := range problems {
		p.t.Errorf("page %s: %s", p.location(), problem)
	}
}

// do runs actions, failing the test with what the page shows on error.
func (p *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v\npage %s shows:\n%s", err, p.location(), p.bodyText())
	}
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](p *tab, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// bodyText returns what the page shows, for failure messages.
func (p *tab) bodyText() string {
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return s
}

// location returns the page's URL.
func (p *tab) location() string {
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Location())
	return s
}

// open navigates to a route of the web app, e.g. "/#/rooms", in a new
// document. Most routes differ from the one shown only in the hash, and
// going there straight would keep the document: the page shown would stay
// until the router replaced it, and a wait for something it shows too (a
// loaded history, an error) would be met by it. By way of about:blank
// every route opens from nothing.
func (p *tab) open(path string) {
	p.t.Helper()
	p.checkProblems()
	p.do(chromedp.Navigate("about:blank"), chromedp.Navigate(p.srv.url+path))
}

// reload reloads the page, after checking the document it leaves.
func (p *tab) reload() {
	p.t.Helper()
	p.checkProblems()
	p.do(chromedp.Reload())
}

// waitJS waits until the JavaScript expression is truthy, failing with what
// the page shows after stepTimeout.
func (p *tab) waitJS(what, expr string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(stepTimeout), chromedp.WithPollingInterval(25*time.Millisecond)))
	if err != nil {
		p.t.Fatalf("waiting for %s (%s): %v\npage %s shows:\n%s", what, expr, err, p.location(), p.bodyText())
	}
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitVisible waits until the element matching the CSS selector is shown.
func (p *tab) waitVisible(sel string) {
	p.t.Helper()
	p.waitJS(sel+" visible", fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && e.getClientRects().length > 0 && !e.closest('[hidden]'); })()`, js(sel)))
}

// waitText waits until the element matching sel shows text containing want.
func (p *tab) waitText(sel, want string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf("%s to show %q", sel, want), fmt.Sprintf(`(document.querySelector(%s)?.textContent ?? "").includes(%s)`, js(sel), js(want)))
}

// text returns the text of the element matching sel ("" when there is none).
func (p *tab) text(sel string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`document.querySelector(%s)?.textContent ?? ""`, js(sel)))
}

// count returns how many elements match sel.
func (p *tab) count(sel string) int {
	p.t.Helper()
	return eval[int](p, fmt.Sprintf(`document.querySelectorAll(%s).length`, js(sel)))
}

// fill replaces the value of the input matching sel by typing value.
func (p *tab) fill(sel, value string) {
	p.t.Helper()
	p.waitVisible(sel)
	eval[chromedp.Void](p, fmt.Sprintf(`document.querySelector(%s).value = ""`, js(sel)))
	p.do(chromedp.SendKeys(chromedp.CSS(sel), value))
}

// choose selects value in the select matching sel, as a user's pick does
// (with a change event).
func (p *tab) choose(sel, value string) {
	p.t.Helper()
	eval[chromedp.Void](p, fmt.Sprintf(`(() => { const s = document.querySelector(%s); s.value = %s; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, js(sel), js(value)))
}

// click clicks the element matching sel once it is visible.
func (p *tab) click(sel string) {
	p.t.Helper()
	p.do(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// login signs in through the login page and waits for the room list.
func (p *tab) login(email string) {
	p.t.Helper()
	p.open("/#/login")
	p.waitVisible("#login-form")
	p.fill("#login-email", email)
	p.fill("#login-password", testPassword)
	p.click("#login-submit")
	p.waitVisible("#room-list[aria-busy=false]")
}

// cookie returns the value of the browser's cookie name for the API, "" when absent.
func (p *tab) cookie(name string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.srv.url + "/api/v1/auth/"}})
	if err != nil {
		p.t.Fatalf("get cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// deleteCookie removes the browser's cookie name, as its expiry would.
func (p *tab) deleteCookie(name, path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Call(ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: name, URL: p.srv.url + path})
	if err != nil {
		p.t.Fatalf("delete cookie: %v", err)
	}
}

// notContains fails the test if the page's text contains s.
func (p *tab) notContains(s string) {
	p.t.Helper()
	if body := p.bodyText(); strings.Contains(body, s) {
		p.t.Errorf("page %s shows %q:\n%s", p.location(), s, body)
	}
}
