package sqlstore

import (
	"reflect"
	"time"

	"github.com/uptrace/bun"
)

// BunDB exposes the bun handle of db to the tests of package sqlstore_test,
// which read tables directly to check what the store wrote.
func BunDB(db *DB) *bun.DB { return db.bun }

// HookQueries makes db's queries pass through hook from now on, so that tests
// can see the SQL the store runs. Call it before db is used concurrently.
// The hot queries, which bypass bun, are shown to hook's AfterQuery too,
// their arguments written in.
func HookQueries(db *DB, hook bun.QueryHook) {
	db.bun = db.bun.WithQueryHook(hook)
	db.hotHook = hook
}

// ShiftParams exposes shiftParams.
var ShiftParams = shiftParams

// SetUnlockTimeout sets how long l's unlocks may take.
func SetUnlockTimeout(l *RoomLocker, d time.Duration) { l.unlockTimeout = d }

// OnElectionTry makes e tell fn of each try of a follower.
func OnElectionTry(e *Election, fn func(got bool)) { e.tried = fn }

// UserColumns exposes userColumns, the columns LinkIdentity's merge handles.
var UserColumns = userColumns

// MessageInsertColumns exposes messageInsertColumns.
var MessageInsertColumns = messageInsertColumns

// MessageRowColumns returns the columns of messageRow as bun maps them.
func MessageRowColumns(db *DB) []string {
	var cols []string
	for _, f := range db.bun.Table(reflect.TypeFor[messageRow]()).Fields {
		cols = append(cols, f.Name)
	}
	return cols
}
