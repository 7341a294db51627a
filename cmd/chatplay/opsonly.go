package main

import (
	"net/http"

	"github.com/chatplay/chatplay/api"
)

// opsPaths are what a process without the api surface still serves on its
// listener: operators need them whatever the process serves.
var opsPaths = []string{"/healthz", "/readyz", "/metrics"}

// opsOnly passes to h only the requests for opsPaths and for the bots'
// routes (the Telegram webhook, Discord's interactions); every other path is
// 404 Not Found, in the API's error form, so that a process not serving the
// api surface answers no API call and no web page.
func opsOnly(h http.Handler, routes []api.Route) http.Handler {
	allowed := make(map[string]bool)
	for _, p := range opsPaths {
		allowed[p] = true
	}
	for _, rt := range routes {
		allowed[rt.Path] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowed[r.URL.Path] {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":{"code":"not_found","message":"This process does not serve the API (server.surfaces)."}}` + "\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}
