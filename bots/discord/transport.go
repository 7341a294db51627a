package discord

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// DefaultAPIURL is Discord's REST API root, the one discordgo builds every
// endpoint from.
var DefaultAPIURL = strings.TrimSuffix(discordgo.EndpointAPI, "/")

// rebaseTransport sends the requests discordgo makes to Discord's REST API
// (every URL under discordgo.EndpointAPI) to another API root instead: a REST
// proxy, or the tests' fake. Other requests pass through unchanged.
// discordgo's endpoint variables are package-level and shared by every
// session in the process, so they are left alone; the rewrite happens on the
// session's own HTTP client.
type rebaseTransport struct {
	from string // discordgo.EndpointAPI, with its trailing slash
	to   *url.URL
	base http.RoundTripper
}

var _ http.RoundTripper = (*rebaseTransport)(nil)

// newRebaseTransport returns a transport sending API requests to apiURL, or
// base itself when apiURL is Discord's own.
func newRebaseTransport(apiURL string, base http.RoundTripper) (http.RoundTripper, error) {
	if base == nil {
		base = http.DefaultTransport
	}
	apiURL = strings.TrimSuffix(apiURL, "/")
	if apiURL == "" || apiURL == DefaultAPIURL {
		return base, nil
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("discord: api_url %q: want an http(s) URL like %s", apiURL, DefaultAPIURL)
	}
	return &rebaseTransport{from: discordgo.EndpointAPI, to: u, base: base}, nil
}

// RoundTrip rewrites the request's URL when it is under Discord's API root.
func (t *rebaseTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	full := r.URL.String()
	if !strings.HasPrefix(full, t.from) {
		return t.base.RoundTrip(r)
	}
	rest, err := url.Parse(full[len(t.from):])
	if err != nil {
		return nil, fmt.Errorf("discord: rebase %s: %w", r.URL.Path, err)
	}
	u := *t.to
	u.Path = strings.TrimSuffix(t.to.Path, "/") + "/" + rest.Path
	u.RawPath = ""
	if rest.RawPath != "" {
		u.RawPath = strings.TrimSuffix(t.to.EscapedPath(), "/") + "/" + rest.RawPath
	}
	u.RawQuery = rest.RawQuery
	r2 := r.Clone(r.Context())
	r2.URL = &u
	r2.Host = u.Host
	return t.base.RoundTrip(r2)
}
