package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun/driver/pgdriver"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/chatplay/chatplay/engine"
)

// conflictMessages are the safe messages for the unique keys a caller can
// break, by operation. Other conflicts get a generic message.
var conflictMessages = map[string]string{
	"create user": "This email address is already registered.",
	"update user": "This email address is already registered.",
}

// wrapErr turns an error of the operation op (a verb and a noun: "find room")
// into what the engine expects from a store. It is the one place where database
// errors are mapped:
//
//   - no row: engine.ErrNotFound;
//   - a broken foreign key (the room or user referred to was deleted
//     meanwhile): engine.ErrNotFound too, since for the caller it is gone;
//   - a broken unique key: an *engine.Error with CodeConflict;
//   - anything else: wrapped with op, for the log.
func wrapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows), isViolation(err, foreignKeyViolation):
		return engine.ErrNotFound
	case isViolation(err, uniqueViolation):
		msg, ok := conflictMessages[op]
		if !ok {
			msg = "This already exists."
		}
		return &engine.Error{Code: engine.CodeConflict, Message: msg, Err: fmt.Errorf("sqlstore: %s: %w", op, err)}
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// violation is a kind of broken constraint.
type violation int

const (
	uniqueViolation violation = iota
	foreignKeyViolation
)

// isViolation reports whether err is the database refusing a write that would
// break a constraint of kind v. The two drivers report it differently: pgdriver
// with a SQLSTATE, modernc.org/sqlite with an extended result code.
func isViolation(err error, v violation) bool {
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		switch v {
		case uniqueViolation:
			return pgErr.Field('C') == "23505" // unique_violation
		case foreignKeyViolation:
			return pgErr.Field('C') == "23503" // foreign_key_violation
		}
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		switch v {
		case uniqueViolation:
			return sqliteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqliteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
		case foreignKeyViolation:
			return sqliteErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
		}
	}
	return false
}

// checkAffected returns engine.ErrNotFound when res changed no row: the row to
// update or delete does not exist, or is not the caller's.
func checkAffected(op string, res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return wrapErr(op, err)
	}
	if n == 0 {
		return engine.ErrNotFound
	}
	return nil
}
