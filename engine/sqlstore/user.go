package sqlstore

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/chatplay/chatplay/engine"
)

// userRow is a row of users.
type userRow struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID           int64     `bun:"id,pk,autoincrement"`
	Email        *string   `bun:"email"` // lower-case
	PasswordHash *string   `bun:"password_hash"`
	DisplayName  string    `bun:"display_name"`
	Locale       string    `bun:"locale"`
	CreatedAt    time.Time `bun:"created_at"`
}

// newUserRow returns the row for u, with its email in lower case.
func newUserRow(u *engine.User) *userRow {
	return &userRow{
		ID:           u.ID,
		Email:        lowerEmail(u.Email),
		PasswordHash: u.PasswordHash,
		DisplayName:  u.DisplayName,
		Locale:       u.Locale,
		CreatedAt:    u.CreatedAt,
	}
}

// user returns the engine's User of the row.
func (r *userRow) user() *engine.User {
	return &engine.User{
		ID:           r.ID,
		Email:        r.Email,
		PasswordHash: r.PasswordHash,
		DisplayName:  r.DisplayName,
		Locale:       r.Locale,
		CreatedAt:    normalize(r.CreatedAt),
	}
}

// lowerEmail returns email in lower case: emails are stored so, which makes
// the unique key and lookups case-insensitive.
func lowerEmail(email *string) *string {
	if email == nil {
		return nil
	}
	lower := strings.ToLower(*email)
	return &lower
}

// identityRow is a row of identities.
type identityRow struct {
	bun.BaseModel `bun:"table:identities,alias:i"`

	UserID    int64           `bun:"user_id"`
	Provider  engine.Provider `bun:"provider,pk"`
	Subject   string          `bun:"subject,pk"`
	Username  string          `bun:"username"`
	CreatedAt time.Time       `bun:"created_at"`
	LinkedAt  *time.Time      `bun:"linked_at"` // NULL unless linked to a web account with a code
}

// identity returns the engine's Identity of the row.
func (r *identityRow) identity() *engine.Identity {
	return &engine.Identity{
		UserID:    r.UserID,
		Provider:  r.Provider,
		Subject:   r.Subject,
		Username:  r.Username,
		CreatedAt: normalize(r.CreatedAt),
		LinkedAt:  normalizePtr(r.LinkedAt),
	}
}

// normalizePtr is normalize of a nullable time.
func normalizePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	n := normalize(*t)
	return &n
}

// CreateUser inserts u and sets its ID and CreatedAt; its email is stored, and
// set, in lower case. A taken email is a conflict.
func (db *DB) CreateUser(ctx context.Context, u *engine.User) error {
	row := newUserRow(u)
	row.ID, row.CreatedAt = 0, now() // the database assigns the ID
	if _, err := db.bun.NewInsert().Model(row).Exec(ctx); err != nil {
		return wrapErr("create user", err)
	}
	*u = *row.user()
	return nil
}

// FindUserByID returns the user with id.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*engine.User, error) {
	row := new(userRow)
	if err := db.bun.NewSelect().Model(row).Where("u.id = ?", id).Scan(ctx); err != nil {
		return nil, wrapErr("find user", err)
	}
	return row.user(), nil
}

// FindUserByEmail returns the user with email, compared case-insensitively.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*engine.User, error) {
	row := new(userRow)
	if err := db.bun.NewSelect().Model(row).Where("u.email = ?", strings.ToLower(email)).Scan(ctx); err != nil {
		return nil, wrapErr("find user by email", err)
	}
	return row.user(), nil
}

// UpdateUser writes u's email (in lower case, also set in u), password hash,
// display name and locale. A taken email is a conflict.
func (db *DB) UpdateUser(ctx context.Context, u *engine.User) error {
	row := newUserRow(u)
	res, err := db.bun.NewUpdate().Model(row).
		Column("email", "password_hash", "display_name", "locale").
		WherePK().
		Exec(ctx)
	if err != nil {
		return wrapErr("update user", err)
	}
	if err := checkAffected("update user", res); err != nil {
		return err
	}
	u.Email = row.Email
	return nil
}

// UpdateUserLocale writes locale to the user with id, and no other column,
// and returns the user as stored (RETURNING), or engine.ErrNotFound.
func (db *DB) UpdateUserLocale(ctx context.Context, id int64, locale string) (*engine.User, error) {
	row := new(userRow)
	res, err := db.bun.NewUpdate().Model(row).
		Set("locale = ?", locale).
		Where("u.id = ?", id).
		Returning("*").
		Exec(ctx)
	if err != nil {
		return nil, wrapErr("update user locale", err)
	}
	if err := checkAffected("update user locale", res); err != nil {
		return nil, err
	}
	return row.user(), nil
}

// DeleteUser removes the user with id; the schema's foreign keys cascade to
// everything it owns: identities, rooms and their messages, usage.
func (db *DB) DeleteUser(ctx context.Context, id int64) error {
	res, err := db.bun.NewDelete().Model((*userRow)(nil)).Where("u.id = ?", id).Exec(ctx)
	if err != nil {
		return wrapErr("delete user", err)
	}
	return checkAffected("delete user", res)
}

// EnsureIdentityUser returns the user linked to (id.Provider, id.Subject). On
// first contact it inserts u and the identity in one transaction, fills in u
// (ID, CreatedAt, lower-case email) and id (UserID, CreatedAt), and returns u
// with true.
//
// Concurrent first contacts race to insert the identity; the primary key on
// (provider, subject) lets exactly one win. A loser's transaction rolls back,
// user included, and it returns the winner's user.
func (db *DB) EnsureIdentityUser(ctx context.Context, id *engine.Identity, u *engine.User) (*engine.User, bool, error) {
	found, err := db.FindIdentityUser(ctx, id.Provider, id.Subject)
	if err == nil {
		return found, false, nil
	}
	if !errors.Is(err, engine.ErrNotFound) {
		return nil, false, err
	}

	created := now()
	urow := newUserRow(u)
	urow.ID, urow.CreatedAt = 0, created
	irow := &identityRow{Provider: id.Provider, Subject: id.Subject, Username: id.Username, CreatedAt: created}
	var identityTaken bool
	err = db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(urow).Exec(ctx); err != nil {
			return err
		}
		irow.UserID = urow.ID
		_, err := tx.NewInsert().Model(irow).Exec(ctx)
		identityTaken = isViolation(err, uniqueViolation)
		return err
	})
	if identityTaken {
		found, err := db.FindIdentityUser(ctx, id.Provider, id.Subject)
		if err != nil {
			return nil, false, err
		}
		return found, false, nil
	}
	if err != nil {
		return nil, false, wrapErr("create identity user", err)
	}
	*u = *urow.user()
	id.UserID, id.CreatedAt = u.ID, created
	return u, true, nil
}

// FindIdentityUser returns the user linked to (provider, subject), or
// engine.ErrNotFound.
func (db *DB) FindIdentityUser(ctx context.Context, provider engine.Provider, subject string) (*engine.User, error) {
	row := new(userRow)
	err := db.bun.NewSelect().Model(row).
		Join("JOIN identities AS i ON i.user_id = u.id").
		Where("i.provider = ?", provider).
		Where("i.subject = ?", subject).
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("find identity user", err)
	}
	return row.user(), nil
}

// ListIdentities returns the identities of a user, by provider.
func (db *DB) ListIdentities(ctx context.Context, userID int64) ([]*engine.Identity, error) {
	var rows []identityRow
	err := db.bun.NewSelect().Model(&rows).
		Where("i.user_id = ?", userID).
		OrderExpr("i.provider, i.subject").
		Scan(ctx)
	if err != nil {
		return nil, wrapErr("list identities", err)
	}
	ids := make([]*engine.Identity, len(rows))
	for i := range rows {
		ids[i] = rows[i].identity()
	}
	return ids, nil
}

// lockUser locks userID's row until tx ends, so that a per-user count and the
// write it allows (a room under the room limit, a token reservation under the
// daily allowance) are one atomic step for every process sharing the
// database. PostgreSQL: SELECT ... FOR NO KEY UPDATE, which queues writers
// of the same user behind each other but does not block inserts that only
// refer to the user (their foreign keys take FOR KEY SHARE). SQLite:
// transactions begin IMMEDIATE (see sqliteParams), so tx already holds the
// database's only write lock; the SELECT only checks that the user exists.
// A user that does not exist is sql.ErrNoRows.
func (db *DB) lockUser(ctx context.Context, tx bun.Tx, userID int64) error {
	var id int64
	return db.hotScan(ctx, &tx, lockUserQuery, []any{&id}, userID)
}

// lockUserQuery is lockUser's statement: $1 the user.
var lockUserQuery = newHotQuery(func(b *bun.DB) string {
	q := b.NewSelect().Model((*userRow)(nil)).Column("u.id").Where("u.id = $1")
	if b.Dialect().Name() == dialect.PG {
		q = q.For("NO KEY UPDATE")
	}
	return q.String()
})

// lockUserForget locks userID's row as lockUser does, then runs forget, a
// hot query that deletes the user's rows gone stale ($1 the user, $2 the
// cutoff); lockForget is lockForgetQuery(forget). On PostgreSQL both are one statement (one round trip): the lock
// is taken first, the deletion then reads the rows as they were when the
// statement began, which is enough to delete stale rows (a row another
// transaction deleted meanwhile is passed over); the counts that follow, in
// statements of their own, see everything committed before the lock.
func (db *DB) lockUserForget(ctx context.Context, tx *bun.Tx, forget, lockForget *hotQuery, userID int64, cutoff any) error {
	var id int64
	if db.dialect == DialectPostgres {
		return db.hotScan(ctx, tx, lockForget, []any{&id}, userID, cutoff)
	}
	if err := db.hotScan(ctx, tx, lockUserQuery, []any{&id}, userID); err != nil {
		return err
	}
	_, err := db.hotExec(ctx, tx, forget, userID, cutoff)
	return err
}

// lockForgetQuery returns lockUserQuery and forget as one statement, for
// lockUserForget on PostgreSQL.
func lockForgetQuery(forget *hotQuery) *hotQuery {
	return newHotQuery(func(b *bun.DB) string {
		return "WITH u AS (" + lockUserQuery.build(b) + "), gone AS (" + forget.build(b) +
			" AND EXISTS (SELECT 1 FROM u)) SELECT id FROM u"
	})
}
