package openai

import (
	"regexp"
	"strings"
)

// redacted stands in for a secret in the text of an error.
const redacted = "[redacted]"

// bearerToken matches a bearer credential as a server may echo it in an error
// body: "Bearer " and the token, up to white space or a quote.
var bearerToken = regexp.MustCompile(`(?i)\bbearer\s+[^\s"'\\,;]+`)

// redactedError is a failure of the model server whose text has the API key
// and every bearer token replaced, so that it may be logged: servers and
// proxies echo the request's credentials in their error bodies, which
// go-openai puts in its error text. Unwrap still gives the original, for
// errors.Is and errors.As.
type redactedError struct {
	err  error
	text string
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err with key (when set) and any bearer token taken out
// of its text; nil stays nil.
func redactError(err error, key string) error {
	if err == nil {
		return nil
	}
	return &redactedError{err: err, text: redactText(err.Error(), key)}
}

// redactText replaces key (when set) and every bearer token in s.
func redactText(s, key string) string {
	if key != "" {
		s = strings.ReplaceAll(s, key, redacted)
	}
	return bearerToken.ReplaceAllString(s, "Bearer "+redacted)
}
