package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// Every password check (login, DELETE /auth/me) goes through the same gates,
// in this order:
//
//  1. the client's IP limit (allowIP), before anything per account, so that a
//     refused request costs no per-account memory;
//  2. the account limit of this (account, client) pair (startPasswordCheck),
//     counted only for requests that reach the password check;
//  3. a free hashing slot (acquireHashSlot), or 503 at once.
//
// The account limit is per (account, client address) rather than per
// account: failures from one client never lock the account for another, so
// an attacker cannot keep a victim out, and the right password from a client
// that has not failed is never refused. The price: an attacker with many
// addresses gets login_attempts_per_account guesses per address per window
// (each also bounded by login_attempts_per_ip across all accounts).

// clientAddr returns the address the limits count a request against: its
// client IP, or the /64 network of an IPv6 address (one subscriber usually
// holds a whole /64, which would otherwise be 2^64 fresh addresses).
func clientAddr(c *gin.Context) string {
	ip := net.ParseIP(c.ClientIP())
	if ip == nil {
		return c.ClientIP()
	}
	if ip4 := ip.To4(); ip4 != nil {
		return ip4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// allowIP counts a login, signup or password check against the caller's
// address, answering 429 when it is over the limit.
func (h *handlers) allowIP(c *gin.Context) bool {
	addr := clientAddr(c)
	wait, last := h.loginByIP.take(keyOf("ip", addr), h.now())
	if wait > 0 {
		h.abortWith(c, &engine.Error{Code: engine.CodeRateLimited, RetryAfter: wait, Message: "Too many sign-in attempts from this address. Try again later."})
		return false
	}
	if last {
		h.log.Warn("security: sign-in attempts from an address reached the limit", "event", "ip_lockout",
			"client_ip", addr, "limit", h.cfg.LoginAttemptsPerIP, "window", h.cfg.LoginWindow.String(), "route", c.FullPath())
	}
	return true
}

// passwordCheck is one check of an account's password by one client, counted
// against the account limit of that (account, client) pair.
type passwordCheck struct {
	key     limiterKey
	at      time.Time
	last    bool   // this check used the last one the pair is allowed
	account string // for the log: a hash of the email, never the email
	userID  int64  // for the log, when the account exists
}

// startPasswordCheck counts a password check of the account with the
// normalized email from this client, answering 429 and returning nil when the
// pair is over its limit.
func (h *handlers) startPasswordCheck(c *gin.Context, email string, userID int64) *passwordCheck {
	addr := clientAddr(c)
	pc := &passwordCheck{key: keyOf("acct", email, addr), at: h.now(), account: accountHash(email), userID: userID}
	wait, last := h.loginByAccount.take(pc.key, pc.at)
	if wait > 0 {
		h.abortWith(c, &engine.Error{Code: engine.CodeRateLimited, RetryAfter: wait, Message: "Too many failed sign-ins for this account. Try again later."})
		return nil
	}
	pc.last = last
	return pc
}

// verify checks pw against hash within a hashing slot. A wrong password stays
// counted (and, when it was the last allowed, is logged as a lockout); a right
// one clears the pair's failures; a check that could not run (no free slot,
// an error) is taken back. On an error it has answered the request.
func (h *handlers) verify(c *gin.Context, pc *passwordCheck, hash, pw string) (ok bool, answered bool) {
	release, free := h.acquireHashSlot(c)
	if !free {
		h.loginByAccount.undo(pc.key, pc.at)
		return false, true
	}
	ok, err := verifyPassword(c.Request.Context(), hash, pw)
	release()
	switch {
	case err != nil:
		h.loginByAccount.undo(pc.key, pc.at)
		h.abortWith(c, err)
		return false, true
	case ok:
		h.loginByAccount.reset(pc.key)
	case pc.last:
		attrs := []any{"event", "login_lockout", "account", pc.account, "client_ip", clientAddr(c),
			"limit", h.cfg.LoginAttemptsPerAccount, "window", h.cfg.LoginWindow.String(), "route", c.FullPath()}
		if pc.userID != 0 {
			attrs = append(attrs, "user_id", pc.userID)
		}
		h.log.Warn("security: failed password checks of an account from one address reached the limit", attrs...)
	}
	return ok, false
}

// accountHash names an account in the log without its email: the first
// 16 hex digits of the SHA-256 of the normalized email.
func accountHash(email string) string {
	sum := sha256.Sum256([]byte("chatplay account\x00" + email))
	return hex.EncodeToString(sum[:8])
}

// errHashBusy answers a password check or signup when every hashing slot is
// taken: at once, rather than queueing without bound behind argon2.
var errHashBusy = &engine.Error{Code: engine.CodeUnavailable, RetryAfter: time.Second,
	Message: "The service is busy. Try again in a moment."}

// acquireHashSlot takes a hashing slot without waiting and returns its
// release; when none is free it answers 503 with Retry-After and returns
// false.
func (h *handlers) acquireHashSlot(c *gin.Context) (release func(), ok bool) {
	select {
	case h.hashSlots <- struct{}{}:
		return func() { <-h.hashSlots }, true
	default:
		h.abortWith(c, errHashBusy)
		return nil, false
	}
}
