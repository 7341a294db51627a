package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
)

// linkCodeRow is a row of link_codes.
type linkCodeRow struct {
	bun.BaseModel `bun:"table:link_codes,alias:lc"`

	CodeHash  string           `bun:"code_hash,pk"`
	UserID    *int64           `bun:"user_id"`
	Provider  *engine.Provider `bun:"provider"`
	Subject   *string          `bun:"subject"`
	CreatedAt time.Time        `bun:"created_at"`
	ExpiresAt time.Time        `bun:"expires_at"`
	UsedAt    *time.Time       `bun:"used_at"`
}

// userColumns names every column of the schema that refers to a user, and
// what LinkIdentity does with it when it merges a bot-only user into an
// account. TestMergeHandlesEveryUserColumn fails when a migration adds one
// that is not listed here: a column left out would lose its rows to the
// user's ON DELETE CASCADE.
var userColumns = map[string]string{
	"rooms.owner_id":             "moved (messages, feedback, translations and goals follow their room)",
	"reports.owner_id":           "moved",
	"report_vocabulary.owner_id": "moved",
	"llm_calls.user_id":          "moved",
	"token_reservations.user_id": "moved",
	"turn_starts.user_id":        "moved",
	"usage_daily.user_id":        "merged: summed into the account's row of the same day and model",
	"bindings.user_id":           "moved; the bot-only user's binding wins over the account's of the same place",
	"identities.user_id":         "moved, linked_at set",
	"auth_sessions.user_id":      "deleted with the user: a bot-only user never signs in on the web",
	"link_codes.user_id":         "deleted with the user: only web accounts make codes for themselves",
}

// movedColumns are the user columns whose rows simply change owner.
var movedColumns = []string{
	"rooms.owner_id", "reports.owner_id", "report_vocabulary.owner_id",
	"llm_calls.user_id", "token_reservations.user_id", "turn_starts.user_id",
}

// CreateLinkCode implements engine.LinkStore: the party's older codes, and
// every expired code, are deleted in the same transaction.
func (db *DB) CreateLinkCode(ctx context.Context, c *engine.LinkCode) error {
	row := &linkCodeRow{CodeHash: c.Hash, CreatedAt: normalize(c.CreatedAt), ExpiresAt: normalize(c.ExpiresAt)}
	if c.From.UserID != 0 {
		row.UserID = &c.From.UserID
	} else {
		row.Provider, row.Subject = &c.From.Provider, &c.From.Subject
	}
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// A party's new code replaces its older ones, and expired codes go:
		// the table holds at most one live code per party.
		q := tx.NewDelete().Model((*linkCodeRow)(nil)).WhereOr("lc.expires_at <= ?", row.CreatedAt)
		if row.UserID != nil {
			q = q.WhereOr("lc.user_id = ?", *row.UserID)
		} else {
			q = q.WhereOr("lc.provider = ? AND lc.subject = ?", *row.Provider, *row.Subject)
		}
		if _, err := q.Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(row).Exec(ctx)
		return err
	})
	return wrapErr("create link code", err)
}

// RedeemLinkCode implements engine.LinkStore. The code is used by an UPDATE
// … WHERE used_at IS NULL … RETURNING in the linking transaction: of two
// redemptions at once, the second waits for the first's row lock (or, on
// SQLite, its write lock) and then finds the code used.
func (db *DB) RedeemLinkCode(ctx context.Context, hash string, by engine.LinkParty, at time.Time) (*engine.Identity, error) {
	var id *engine.Identity
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var (
			userID   sql.NullInt64
			provider sql.NullString
			subject  sql.NullString
		)
		err := tx.QueryRowContext(ctx, `UPDATE link_codes SET used_at = ?
			WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?
			RETURNING user_id, provider, subject`, normalize(at), hash, normalize(at)).Scan(&userID, &provider, &subject)
		if errors.Is(err, sql.ErrNoRows) {
			return engine.ErrLinkCodeInvalid
		}
		if err != nil {
			return err
		}
		var (
			accountID int64
			identity  engine.LinkParty
		)
		switch {
		case userID.Valid && by.UserID == 0:
			accountID, identity = userID.Int64, by
		case provider.Valid && by.UserID != 0:
			accountID, identity = by.UserID, engine.LinkParty{Provider: engine.Provider(provider.String), Subject: subject.String}
		default: // a code made for the other direction: as good as wrong
			return engine.ErrLinkCodeInvalid
		}
		id, err = db.linkTx(ctx, tx, accountID, identity.Provider, identity.Subject, at)
		return err
	})
	if err != nil {
		return nil, linkErr("redeem link code", err)
	}
	return id, nil
}

// LinkIdentity implements engine.LinkStore.
func (db *DB) LinkIdentity(ctx context.Context, accountID int64, provider engine.Provider, subject string, at time.Time) (*engine.Identity, error) {
	var id *engine.Identity
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		id, err = db.linkTx(ctx, tx, accountID, provider, subject, at)
		return err
	})
	if err != nil {
		return nil, linkErr("link identity", err)
	}
	return id, nil
}

// linkErr returns the engine's errors as they are and wraps the others.
func linkErr(op string, err error) error {
	var pub *engine.Error
	if errors.As(err, &pub) {
		return pub
	}
	return wrapErr(op, err)
}

// readLockedUser reads the user with id in tx, locking its row on PostgreSQL
// with lock (NO KEY UPDATE for an account that stays, UPDATE for a user about
// to be deleted); SQLite's transactions hold the write lock from their start.
func (db *DB) readLockedUser(ctx context.Context, tx bun.Tx, id int64, lock string) (*userRow, error) {
	row := new(userRow)
	q := tx.NewSelect().Model(row).Where("u.id = ?", id)
	if db.dialect == DialectPostgres {
		q = q.For(lock)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, wrapErr("lock user", err)
	}
	return row, nil
}

// linkTx is LinkIdentity within tx.
func (db *DB) linkTx(ctx context.Context, tx bun.Tx, accountID int64, provider engine.Provider, subject string, at time.Time) (*engine.Identity, error) {
	acct, err := db.readLockedUser(ctx, tx, accountID, "NO KEY UPDATE")
	if err != nil {
		return nil, err
	}
	if acct.Email == nil {
		return nil, engine.ErrNotWebAccount
	}
	ident := new(identityRow)
	if err := tx.NewSelect().Model(ident).Where("i.provider = ? AND i.subject = ?", provider, subject).Scan(ctx); err != nil {
		return nil, wrapErr("find identity", err)
	}
	if ident.UserID == accountID {
		return ident.identity(), nil // linked already: nothing to do
	}
	bot, err := db.readLockedUser(ctx, tx, ident.UserID, "UPDATE")
	if err != nil {
		return nil, err
	}
	if bot.Email != nil {
		return nil, engine.ErrLinkedElsewhere
	}
	taken, err := tx.NewSelect().Model((*identityRow)(nil)).
		Where("i.user_id = ?", accountID).
		Where("i.provider IN (?)", tx.NewSelect().Model((*identityRow)(nil)).ModelTableExpr("identities AS b").Column("b.provider").Where("b.user_id = ?", bot.ID)).
		Exists(ctx)
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, engine.ErrProviderLinked
	}
	if err := mergeUser(ctx, tx, bot.ID, accountID, at); err != nil {
		return nil, err
	}
	ident.UserID, ident.LinkedAt = accountID, &at
	id := ident.identity()
	id.MergedUserID = bot.ID
	return id, nil
}

// mergeUser moves everything of user from to user to, as userColumns says,
// and deletes from.
func mergeUser(ctx context.Context, tx bun.Tx, from, to int64, at time.Time) error {
	stmts := make([]string, 0, len(movedColumns)+6)
	for _, col := range movedColumns {
		table, column, _ := strings.Cut(col, ".")
		stmts = append(stmts, fmt.Sprintf("UPDATE %s SET %s = ?to WHERE %s = ?from", table, column, column))
	}
	stmts = append(stmts,
		`INSERT INTO usage_daily (user_id, day, model, calls, prompt_tokens, completion_tokens)
			SELECT ?to, day, model, calls, prompt_tokens, completion_tokens FROM usage_daily WHERE user_id = ?from
			ON CONFLICT (user_id, day, model) DO UPDATE SET
				calls = usage_daily.calls + excluded.calls,
				prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,
				completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens`,
		`DELETE FROM usage_daily WHERE user_id = ?from`,
		`DELETE FROM bindings WHERE user_id = ?to AND EXISTS (SELECT 1 FROM bindings b
			WHERE b.user_id = ?from AND b.provider = bindings.provider AND b.scope = bindings.scope)`,
		`UPDATE bindings SET user_id = ?to WHERE user_id = ?from`,
		`UPDATE identities SET user_id = ?to, linked_at = ?at WHERE user_id = ?from`,
		`DELETE FROM users WHERE id = ?from`,
	)
	args := struct {
		From int64     `bun:"from"`
		To   int64     `bun:"to"`
		At   time.Time `bun:"at"`
	}{from, to, normalize(at)}
	for _, q := range stmts {
		if _, err := tx.NewRaw(q, &args).Exec(ctx); err != nil {
			return fmt.Errorf("merge user: %s: %w", strings.Fields(q)[0], err)
		}
	}
	return nil
}

// UnlinkIdentity implements engine.LinkStore.
func (db *DB) UnlinkIdentity(ctx context.Context, accountID int64, provider engine.Provider, u *engine.User) (*engine.Identity, error) {
	var ident identityRow
	urow := newUserRow(u)
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		acct, err := db.readLockedUser(ctx, tx, accountID, "NO KEY UPDATE")
		if err != nil {
			return err
		}
		if acct.Email == nil {
			return engine.ErrNotWebAccount
		}
		if err := tx.NewSelect().Model(&ident).Where("i.user_id = ? AND i.provider = ?", accountID, provider).Scan(ctx); err != nil {
			return wrapErr("find identity", err)
		}
		urow.ID, urow.CreatedAt, urow.Email, urow.PasswordHash = 0, now(), nil, nil
		if urow.DisplayName = ident.Username; urow.DisplayName == "" {
			urow.DisplayName = string(provider)
		}
		if _, err := tx.NewInsert().Model(urow).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*identityRow)(nil)).
			Set("user_id = ?", urow.ID).Set("linked_at = NULL").
			Where("provider = ? AND subject = ?", ident.Provider, ident.Subject).Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewDelete().Model((*bindingRow)(nil)).Where("user_id = ? AND provider = ?", accountID, provider).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, linkErr("unlink identity", err)
	}
	*u = *urow.user()
	ident.UserID, ident.LinkedAt = u.ID, nil
	return ident.identity(), nil
}
