package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// sessionRow is a row of auth_sessions: one web sign-in, a refresh-token family.
type sessionRow struct {
	bun.BaseModel `bun:"table:auth_sessions,alias:s"`

	ID        string     `bun:"id,pk"`
	UserID    int64      `bun:"user_id"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	RevokedAt *time.Time `bun:"revoked_at"`
}

// session returns the engine's Session of the row.
func (r *sessionRow) session() *engine.Session {
	s := &engine.Session{ID: r.ID, UserID: r.UserID, CreatedAt: normalize(r.CreatedAt), ExpiresAt: normalize(r.ExpiresAt)}
	if r.RevokedAt != nil {
		t := normalize(*r.RevokedAt)
		s.RevokedAt = &t
	}
	return s
}

// refreshTokenRow is a row of refresh_tokens, known by the token's hash.
type refreshTokenRow struct {
	bun.BaseModel `bun:"table:refresh_tokens,alias:rt"`

	TokenHash string     `bun:"token_hash,pk"`
	SessionID string     `bun:"session_id"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

// newRefreshTokenRow returns the row for t, its times normalized.
func newRefreshTokenRow(t *engine.RefreshToken) *refreshTokenRow {
	return &refreshTokenRow{TokenHash: t.Hash, SessionID: t.SessionID, CreatedAt: normalize(t.CreatedAt), ExpiresAt: normalize(t.ExpiresAt)}
}

var _ engine.SessionStore = (*DB)(nil)

// CreateSession inserts s and its first refresh token in one transaction.
// A user deleted meanwhile is engine.ErrNotFound.
func (db *DB) CreateSession(ctx context.Context, s *engine.Session, first *engine.RefreshToken) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now()
	}
	s.CreatedAt, s.ExpiresAt = normalize(s.CreatedAt), normalize(s.ExpiresAt)
	row := &sessionRow{ID: s.ID, UserID: s.UserID, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt}
	first.SessionID = s.ID
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(newRefreshTokenRow(first)).Exec(ctx)
		return err
	})
	return wrapErr("create session", err)
}

// FindSession returns the session with id, revoked or not.
func (db *DB) FindSession(ctx context.Context, id string) (*engine.Session, error) {
	row := new(sessionRow)
	if err := db.hotScanRow(ctx, nil, findSessionQuery, row, id); err != nil {
		return nil, wrapErr("find session", err)
	}
	return row.session(), nil
}

// findSessionQuery reads the session $1: every authenticated request does.
var findSessionQuery = newHotQuery(func(b *bun.DB) string {
	return b.NewSelect().Model((*sessionRow)(nil)).Where("s.id = $1").String()
})

// FindRefreshSession returns the session of the refresh token with hash.
func (db *DB) FindRefreshSession(ctx context.Context, hash string) (*engine.Session, error) {
	row := new(sessionRow)
	err := db.bun.NewSelect().Model(row).
		Where("s.id = (SELECT rt.session_id FROM refresh_tokens AS rt WHERE rt.token_hash = ?)", hash).
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("find refresh session", err)
	}
	return row.session(), nil
}

// RotateRefreshToken marks the token with oldHash used and stores next in its
// session, in one transaction. The conditional UPDATE is what makes a token
// single-use under concurrency: of two requests presenting the same token,
// one marks it and the other finds it used, which is treated as reuse.
func (db *DB) RotateRefreshToken(ctx context.Context, oldHash string, next *engine.RefreshToken, at time.Time) (*engine.Session, error) {
	at = normalize(at)
	var (
		sess   *engine.Session
		reused bool
	)
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*refreshTokenRow)(nil)).
			Set("used_at = ?", at).
			Where("rt.token_hash = ?", oldHash).
			Where("rt.used_at IS NULL").
			Where("rt.expires_at > ?", at).
			Exec(ctx)
		if err != nil {
			return err
		}
		old := new(refreshTokenRow)
		if err := tx.NewSelect().Model(old).Where("rt.token_hash = ?", oldHash).Scan(ctx); err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if old.UsedAt == nil { // expired, never used
				return engine.ErrNotFound
			}
			reused = true
			_, err := tx.NewUpdate().Model((*sessionRow)(nil)).
				Set("revoked_at = ?", at).
				Where("s.id = ?", old.SessionID).
				Where("s.revoked_at IS NULL").
				Exec(ctx)
			return err
		}
		srow := new(sessionRow)
		if err := tx.NewSelect().Model(srow).Where("s.id = ?", old.SessionID).Scan(ctx); err != nil {
			return err
		}
		sess = srow.session()
		if !sess.Active(at) {
			return engine.ErrNotFound
		}
		next.SessionID = sess.ID
		if next.ExpiresAt.After(sess.ExpiresAt) {
			next.ExpiresAt = sess.ExpiresAt // no token outlives its sign-in
		}
		_, err = tx.NewInsert().Model(newRefreshTokenRow(next)).Exec(ctx)
		return err
	})
	if reused && err == nil {
		return nil, engine.ErrRefreshReused
	}
	if err != nil {
		if errors.Is(err, engine.ErrNotFound) {
			return nil, engine.ErrNotFound
		}
		return nil, wrapErr("rotate refresh token", err)
	}
	return sess, nil
}

// RevokeSession marks the session with id revoked at the given time, unless
// it already is.
func (db *DB) RevokeSession(ctx context.Context, id string, at time.Time) error {
	_, err := db.bun.NewUpdate().Model((*sessionRow)(nil)).
		Set("revoked_at = ?", normalize(at)).
		Where("s.id = ?", id).
		Where("s.revoked_at IS NULL").
		Exec(ctx)
	return wrapErr("revoke session", err)
}

// DeleteExpiredSessions removes the sessions that expired before the cutoff;
// their refresh tokens go with them (ON DELETE CASCADE).
func (db *DB) DeleteExpiredSessions(ctx context.Context, before time.Time) (int, error) {
	res, err := db.bun.NewDelete().Model((*sessionRow)(nil)).
		Where("s.expires_at < ?", normalize(before)).
		Exec(ctx)
	if err != nil {
		return 0, wrapErr("delete expired sessions", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrapErr("delete expired sessions", err)
	}
	return int(n), nil
}
