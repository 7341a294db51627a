package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// newSession creates a session of user with one refresh token "<id>-0".
func newSession(t *testing.T, db *sqlstore.DB, user *engine.User, id string, start time.Time) *engine.Session {
	t.Helper()
	s := &engine.Session{ID: id, UserID: user.ID, CreatedAt: start, ExpiresAt: start.Add(24 * time.Hour)}
	first := &engine.RefreshToken{Hash: id + "-0", CreatedAt: start, ExpiresAt: start.Add(24 * time.Hour)}
	if err := db.CreateSession(context.Background(), s, first); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return s
}

func TestRefreshTokenRotation(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		user := mustCreateUser(t, db, "rotate@example.com")
		start := time.Now().UTC().Truncate(time.Microsecond)
		newSession(t, db, user, "fam1", start)

		next := &engine.RefreshToken{Hash: "fam1-1", CreatedAt: start, ExpiresAt: start.Add(48 * time.Hour)}
		s, err := db.RotateRefreshToken(ctx, "fam1-0", next, start.Add(time.Minute))
		if err != nil {
			t.Fatalf("first rotation: %v", err)
		}
		if s.ID != "fam1" || s.UserID != user.ID || next.SessionID != "fam1" {
			t.Fatalf("session = %+v, next = %+v", s, next)
		}
		if !next.ExpiresAt.Equal(s.ExpiresAt) {
			t.Errorf("the next token expires %v, after its session (%v)", next.ExpiresAt, s.ExpiresAt)
		}
		// The successor works once.
		if _, err := db.RotateRefreshToken(ctx, "fam1-1", &engine.RefreshToken{Hash: "fam1-2", CreatedAt: start, ExpiresAt: start.Add(time.Hour)}, start.Add(2*time.Minute)); err != nil {
			t.Fatalf("second rotation: %v", err)
		}
		// Presenting fam1-0 again is reuse: the whole family is revoked.
		_, err = db.RotateRefreshToken(ctx, "fam1-0", &engine.RefreshToken{Hash: "x", CreatedAt: start, ExpiresAt: start.Add(time.Hour)}, start.Add(3*time.Minute))
		if !errors.Is(err, engine.ErrRefreshReused) {
			t.Fatalf("reuse: err = %v, want ErrRefreshReused", err)
		}
		got, err := db.FindSession(ctx, "fam1")
		if err != nil || got.RevokedAt == nil || got.Active(start.Add(4*time.Minute)) {
			t.Fatalf("after reuse the session must be revoked: %+v, %v", got, err)
		}
		// The newest token of the family is dead too.
		_, err = db.RotateRefreshToken(ctx, "fam1-2", &engine.RefreshToken{Hash: "y", CreatedAt: start, ExpiresAt: start.Add(time.Hour)}, start.Add(5*time.Minute))
		if engine.ErrorCode(err) != engine.CodeNotFound {
			t.Fatalf("a token of a revoked family: err = %v, want not found", err)
		}
	})
}

func TestRefreshTokenRejections(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		user := mustCreateUser(t, db, "reject@example.com")
		start := time.Now().UTC().Truncate(time.Microsecond)
		newSession(t, db, user, "famA", start)
		newSession(t, db, user, "famB", start)

		tok := func(h string) *engine.RefreshToken {
			return &engine.RefreshToken{Hash: h, CreatedAt: start, ExpiresAt: start.Add(time.Hour)}
		}
		if _, err := db.RotateRefreshToken(ctx, "unknown", tok("u1"), start); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("unknown token: %v, want not found", err)
		}
		// Expired, never used: refused, and not counted as reuse.
		if _, err := db.RotateRefreshToken(ctx, "famA-0", tok("a1"), start.Add(25*time.Hour)); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("expired token: %v, want not found", err)
		}
		if s, _ := db.FindSession(ctx, "famA"); s.RevokedAt != nil {
			t.Error("an expired token must not revoke its session")
		}
		// Logout: a revoked session's token is refused.
		if err := db.RevokeSession(ctx, "famB", start); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeSession(ctx, "famB", start); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if _, err := db.RotateRefreshToken(ctx, "famB-0", tok("b1"), start.Add(time.Second)); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("revoked session: %v, want not found", err)
		}
		if _, err := db.FindSession(ctx, "nope"); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("FindSession(nope): %v", err)
		}
	})
}

func TestSessionsGoWithTheirUser(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		user := mustCreateUser(t, db, "gone@example.com")
		start := time.Now().UTC().Truncate(time.Microsecond)
		newSession(t, db, user, "famG", start)
		newSession(t, db, mustCreateUser(t, db, "old@example.com"), "famOld", start.Add(-48*time.Hour))

		n, err := db.DeleteExpiredSessions(ctx, start)
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		if _, err := db.FindSession(ctx, "famOld"); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("expired session still there: %v", err)
		}
		if err := db.DeleteUser(ctx, user.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSession(ctx, "famG"); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("a deleted user's session: %v, want not found", err)
		}
		if _, err := db.RotateRefreshToken(ctx, "famG-0", &engine.RefreshToken{Hash: "g1", CreatedAt: start, ExpiresAt: start.Add(time.Hour)}, start); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("a deleted user's refresh token: %v, want not found", err)
		}
		ghost := &engine.Session{ID: "ghost", UserID: user.ID, CreatedAt: start, ExpiresAt: start.Add(time.Hour)}
		if err := db.CreateSession(ctx, ghost, &engine.RefreshToken{Hash: "ghost-0", CreatedAt: start, ExpiresAt: start.Add(time.Hour)}); engine.ErrorCode(err) != engine.CodeNotFound {
			t.Errorf("a session of a deleted user: %v, want not found", err)
		}
	})
}

// FindRefreshSession names the session of any token it issued, used or
// revoked, and changes nothing: the token still rotates afterwards.
func TestFindRefreshSession(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ctx := context.Background()
		user := mustCreateUser(t, db, "peek@example.com")
		start := time.Now().UTC().Truncate(time.Microsecond)
		newSession(t, db, user, "peek", start)
		s, err := db.FindRefreshSession(ctx, "peek-0")
		if err != nil || s.ID != "peek" || s.UserID != user.ID {
			t.Fatalf("FindRefreshSession = %+v, %v", s, err)
		}
		if _, err := db.RotateRefreshToken(ctx, "peek-0", &engine.RefreshToken{Hash: "peek-1", CreatedAt: start, ExpiresAt: start.Add(time.Hour)}, start.Add(time.Minute)); err != nil {
			t.Fatalf("rotation after the lookup: %v", err)
		}
		if s, err := db.FindRefreshSession(ctx, "peek-0"); err != nil || s.ID != "peek" { // used: still named
			t.Fatalf("a used token: %+v, %v", s, err)
		}
		if _, err := db.FindRefreshSession(ctx, "never-issued"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("an unknown token: %v, want ErrNotFound", err)
		}
	})
}
