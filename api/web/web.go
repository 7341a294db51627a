// Package web is chatplay's web app: the pages of the service (main, sign-up,
// log-in, room list, room form, chat) as plain HTML, CSS and JavaScript
// modules embedded in the binary. The pages talk only to the public JSON API
// under /api/v1; nothing is rendered on the server and nothing is built
// before running.
//
// Handler serves the files; Mount puts the web app and the API handler on one
// listener.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed static
var static embed.FS

// ContentSecurityPolicy is sent with every response of the web app: scripts,
// styles, images and connections only from the site itself, no inline script
// or style, no plugins, no framing.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; " +
	"frame-ancestors 'none'"

// indexFile is the page every client-side route is answered with.
const indexFile = "index.html"

// file is one embedded file, ready to serve.
type file struct {
	name        string
	body        []byte
	contentType string
	etag        string
}

// contentTypes are the types of the extensions the web app uses; anything
// else falls back to the mime package.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
}

var (
	filesOnce sync.Once
	files     map[string]*file
)

// loadFiles reads the embedded tree once, with each file's type and ETag.
func loadFiles() map[string]*file {
	filesOnce.Do(func() {
		files = map[string]*file{}
		root, err := fs.Sub(static, "static")
		if err != nil {
			panic("web: " + err.Error())
		}
		err = fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			body, err := fs.ReadFile(root, name)
			if err != nil {
				return err
			}
			ext := path.Ext(name)
			ct, ok := contentTypes[ext]
			if !ok {
				ct = mime.TypeByExtension(ext)
			}
			if ct == "" {
				ct = "application/octet-stream"
			}
			sum := sha256.Sum256(body)
			files[name] = &file{name: name, body: body, contentType: ct,
				etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
			return nil
		})
		if err != nil {
			panic("web: " + err.Error())
		}
		if files[indexFile] == nil {
			panic("web: static/" + indexFile + " is missing")
		}
	})
	return files
}

// Handler returns the handler of the web app's files. Every response carries
// the security headers (SecurityHeaders). A path that names no file and has
// no extension is a client-side route and gets index.html; a missing file
// with an extension, or a path of the API (IsAPIPath), is 404. index.html is never stored by caches (so that
// back-navigation after logout shows nothing private); the other files are
// revalidated with their ETag on each use. Only GET and HEAD are served.
func Handler() http.Handler {
	fsys := loadFiles()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SecurityHeaders(w.Header())
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if IsAPIPath(r.URL.Path) { // never an HTML page where the API answers
			w.Header().Set("Cache-Control", "no-cache")
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = indexFile
		}
		f, ok := fsys[name]
		if !ok {
			if path.Ext(name) != "" {
				w.Header().Set("Cache-Control", "no-cache")
				http.Error(w, "not found", http.StatusNotFound)
				return
			}
			f = fsys[indexFile]
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		if f.name == indexFile {
			h.Set("Cache-Control", "no-store")
		} else {
			h.Set("Cache-Control", "no-cache")
			h.Set("ETag", f.etag)
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	})
}

// SecurityHeaders sets the headers every response of the web app carries.
func SecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
}

// APIPrefixes are the first path segments that belong to the API handler,
// never to the web app: the JSON API, the health endpoints, the metrics, the
// bots' endpoints, and debug (never served here: pprof lives on the admin
// listener, so /debug/… is a plain 404, not the web app).
var APIPrefixes = []string{"api", "healthz", "readyz", "metrics", "debug", "discord", "telegram"}

// Mount returns the handler of the whole service: requests whose path starts
// with one of APIPrefixes, and every request that is not a GET or a HEAD (a
// webhook, a CORS preflight), go to apiHandler; the rest is the web app.
func Mount(apiHandler http.Handler) http.Handler {
	app := Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsAPIPath(r.URL.Path) || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			apiHandler.ServeHTTP(w, r)
			return
		}
		app.ServeHTTP(w, r)
	})
}

// IsAPIPath reports whether p belongs to the API handler: its first segment
// is one of APIPrefixes.
func IsAPIPath(p string) bool {
	first, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	for _, prefix := range APIPrefixes {
		if first == prefix {
			return true
		}
	}
	return false
}
