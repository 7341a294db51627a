package sqlstore

import "github.com/uptrace/bun"

// BunDB exposes the bun handle of db to the tests of package sqlstore_test,
// which read tables directly to check what the store wrote.
func BunDB(db *DB) *bun.DB { return db.bun }
