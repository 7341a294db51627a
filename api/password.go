package api

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/chatplay/chatplay/engine"
)

// Password rules.
const (
	MinPasswordChars = 8
	MaxPasswordChars = 128
)

// argon2id parameters: OWASP's first recommendation (19 MiB, 2 passes, 1 lane).
const (
	argonMemoryKiB = 19456
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

//go:embed common_passwords.txt
var commonPasswordsFile string

// commonPasswords holds the refused passwords, lower-case.
var commonPasswords = func() map[string]bool {
	m := make(map[string]bool)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// checkPassword enforces the password rules of a new password.
func checkPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordChars:
		return engine.Invalid("password", "The password is too short: at least %d characters.", MinPasswordChars)
	case n > MaxPasswordChars:
		return engine.Invalid("password", "The password is too long: at most %d characters.", MaxPasswordChars)
	case strings.TrimFunc(pw, blank) == "":
		return engine.Invalid("password", "The password must have characters other than spaces and control characters.")
	case commonPasswords[strings.ToLower(pw)]:
		return engine.Invalid("password", "This password is among the most common ones. Choose another.")
	}
	return nil
}

// blank reports whether r shows nothing: white space, a control or an
// invisible formatting character.
func blank(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// defaultHashSlots is how many argon2 hashes (19 MiB each) may run at once
// when the config says 0: twice the CPUs.
func defaultHashSlots() int { return 2 * runtime.GOMAXPROCS(0) }

// hashPassword returns the argon2id hash of pw in PHC form:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func hashPassword(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := argonKey(ctx, pw, salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	if err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPassword reports whether pw matches the PHC hash, in constant time,
// with the parameters recorded in the hash.
func verifyPassword(ctx context.Context, hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("password hash: not argon2id PHC")
	}
	var version int
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("password hash: version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false, fmt.Errorf("password hash: params: %w", err)
	}
	// Bounds keep a corrupt hash from costing unbounded memory or time.
	if threads < 1 || threads > 16 || iters < 1 || iters > 16 || mem < 8*uint32(threads) || mem > 256<<10 {
		return false, fmt.Errorf("password hash: params out of range: %s", parts[3])
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("password hash: salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, errors.New("password hash: key")
	}
	got, err := argonKey(ctx, pw, salt, iters, mem, threads, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// argonKey runs argon2id, unless ctx has ended. Callers bound how many run at
// once (handlers.acquireHashSlot).
func argonKey(ctx context.Context, pw string, salt []byte, t, m uint32, p uint8, n uint32) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return argon2.IDKey([]byte(pw), salt, t, m, p, n), nil
}

// dummyHash is verified against when a login names an unknown email, so that
// it takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := hashPassword(context.Background(), "chatplay dummy password")
	if err != nil {
		panic(err)
	}
	return h
})
