package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/api/web"
)

// get serves one request through h and returns the recorded response.
func get(t *testing.T, h http.Handler, method, path string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandlerServesFilesWithTheirTypes(t *testing.T) {
	h := web.Handler()
	for _, tc := range []struct {
		path, contentType, contains, cache string
	}{
		{"/", "text/html; charset=utf-8", `<script type="module" src="/js/main.js">`, "no-store"},
		{"/index.html", "text/html; charset=utf-8", `<main id="app"`, "no-store"},
		{"/app.css", "text/css; charset=utf-8", ".msg__text", "no-cache"},
		{"/js/main.js", "text/javascript; charset=utf-8", "import", "no-cache"},
		{"/js/sse.js", "text/javascript; charset=utf-8", "class SSEParser", "no-cache"},
		{"/js/i18n/ko.js", "text/javascript; charset=utf-8", "로그인", "no-cache"},
		{"/favicon.svg", "image/svg+xml", "<svg", "no-cache"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := get(t, h, "GET", tc.path, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", tc.path, rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tc.contentType)
			}
			if got := rec.Header().Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control = %q, want %q", got, tc.cache)
			}
			if !strings.Contains(rec.Body.String(), tc.contains) {
				t.Errorf("body of %s does not contain %q", tc.path, tc.contains)
			}
		})
	}
}

func TestHandlerSecurityHeaders(t *testing.T) {
	h := web.Handler()
	for _, path := range []string{"/", "/js/api.js", "/rooms/3", "/missing.js"} {
		rec := get(t, h, "GET", path, nil)
		hd := rec.Header()
		csp := hd.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline or eval: %q", path, csp)
		}
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
			"X-Frame-Options":        "DENY",
		} {
			if got := hd.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
	}
}

// The pages follow the CSP they are served with: no inline script, no
// inline style, no inline event handler.
func TestPagesHaveNoInlineCode(t *testing.T) {
	rec := get(t, web.Handler(), "GET", "/", nil)
	body := rec.Body.String()
	for _, bad := range []string{"<script>", "<style", "style=", "onclick", "onload", "javascript:"} {
		if strings.Contains(body, bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
	if strings.Count(body, "<script") != 1 || !strings.Contains(body, `<script type="module" src="/js/main.js"></script>`) {
		t.Errorf("index.html must load exactly one external module script")
	}
}

func TestHandlerFallsBackToIndexForClientRoutes(t *testing.T) {
	h := web.Handler()
	index := get(t, h, "GET", "/", nil).Body.String()
	for _, path := range []string{"/rooms", "/rooms/12", "/login"} {
		rec := get(t, h, "GET", path, nil)
		if rec.Code != http.StatusOK || rec.Body.String() != index {
			t.Errorf("GET %s = %d, want index.html", path, rec.Code)
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: Cache-Control = %q", path, rec.Header().Get("Cache-Control"))
		}
	}
	for _, path := range []string{"/missing.js", "/js/nope.js", "/favicon.ico", "/api/v1/rooms", "/healthz", "/telegram/webhook"} {
		if rec := get(t, h, "GET", path, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
		}
	}
}

func TestHandlerRevalidatesWithETag(t *testing.T) {
	h := web.Handler()
	first := get(t, h, "GET", "/js/api.js", nil)
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	again := get(t, h, "GET", "/js/api.js", http.Header{"If-None-Match": {etag}})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d with %d bytes, want 304 and no body", again.Code, again.Body.Len())
	}
}

func TestHandlerMethods(t *testing.T) {
	h := web.Handler()
	if rec := get(t, h, "HEAD", "/app.css", nil); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD = %d with %d bytes", rec.Code, rec.Body.Len())
	}
	rec := get(t, h, "POST", "/", nil)
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST = %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

// Mount never lets the web app shadow the API, the health endpoints or the
// bots, whatever the method; the rest is the web app.
func TestMountRoutes(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"from":"api"}`)
	})
	h := web.Mount(api)
	for _, tc := range []struct {
		method, path string
		toAPI        bool
	}{
		{"GET", "/api/v1/rooms", true},
		{"GET", "/api/openapi.json", true},
		{"GET", "/api/v1/nope", true},
		{"GET", "/api", true},
		{"GET", "/healthz", true},
		{"GET", "/readyz", true},
		{"POST", "/telegram/webhook", true},
		{"POST", "/discord/interactions", true},
		{"GET", "/telegram/anything", true},
		{"POST", "/some/other/webhook", true},
		{"OPTIONS", "/api/v1/rooms", true},
		{"GET", "/", false},
		{"HEAD", "/", false},
		{"GET", "/js/main.js", false},
		{"GET", "/rooms/5", false},
		{"GET", "/apiary", false},
		{"GET", "/api.js", false},
	} {
		rec := get(t, h, tc.method, tc.path, nil)
		gotAPI := rec.Body.String() == `{"from":"api"}`
		if gotAPI != tc.toAPI {
			t.Errorf("%s %s went to the API: %v, want %v", tc.method, tc.path, gotAPI, tc.toAPI)
		}
		if !tc.toAPI && rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("%s %s: web response without CSP", tc.method, tc.path)
		}
	}
}

func TestIsAPIPath(t *testing.T) {
	for path, want := range map[string]bool{
		"/api/v1/auth/me": true, "/api": true, "/api/": true, "/healthz": true, "/readyz": true,
		"/discord/x": true, "/telegram/webhook": true, "/metrics": true, "/debug/pprof/": true,
		"/": false, "/apix": false, "/rooms": false, "/js/api.js": false, "/healthzz": false,
	} {
		if got := web.IsAPIPath(path); got != want {
			t.Errorf("IsAPIPath(%q) = %v, want %v", path, got, want)
		}
	}
}
