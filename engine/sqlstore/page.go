package sqlstore

import (
	"math"

	"github.com/uptrace/bun"
)

// newestFirst selects one page of a list paginated by ID: at most limit rows
// whose column parent equals parentID and whose column id is below beforeID
// (0: no bound), newest first. It is written for the index on (parent, id),
// which it reads backwards from the cursor.
//
// The condition is a range over both columns of that index, not the plainer
// "parent = ? AND id < ? ORDER BY id DESC". Given that equality, PostgreSQL may
// walk the primary key backwards and filter by parent instead: a plan it picks
// when the parent holds a few percent of all rows, and which steps over every
// newer row of every other parent first (milliseconds per 100,000 rows: the
// prompt builder of an old room would pay for every conversation since). In
// the form below, only the (parent, id) index yields the order without a sort,
// and the row comparison starts PostgreSQL's scan exactly at the cursor.
// SQLite reads the same index from the parent's newest row and steps down to
// the cursor within it: the newest pages cost the same, a deep page of a long
// conversation a little more (see BenchmarkListMessages). TestHotPathsUseIndexes
// checks the plans of both.
func newestFirst(parent, id string, parentID, beforeID int64, limit int) func(*bun.SelectQuery) *bun.SelectQuery {
	return newestFirstArgs(parent, id, parentID, beforeCursor(beforeID), limit)
}

// beforeCursor returns the bound newestFirst reads below for beforeID.
func beforeCursor(beforeID int64) int64 {
	if beforeID <= 0 {
		return math.MaxInt64
	}
	return beforeID
}

// newestFirstArgs is newestFirst with the parent and the cursor as
// arguments of any kind: values, or placeholders (bun.Safe("$1")) of a hot
// query, given beforeCursor(beforeID).
func newestFirstArgs(parent, id string, parentID, beforeID any, limit int) func(*bun.SelectQuery) *bun.SelectQuery {
	p, i := bun.Safe(parent), bun.Safe(id)
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.
			Where("? >= ?", p, parentID).
			Where("(?, ?) < (?, ?)", p, i, parentID, beforeID).
			OrderExpr("? DESC, ? DESC", p, i).
			Limit(limit)
	}
}
