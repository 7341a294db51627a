package migrations_test

import (
	"slices"
	"testing"

	"github.com/chatplay/chatplay/migrations"
)

// TestNew checks that every dialect has the same migrations, each with an up
// and a down step.
func TestNew(t *testing.T) {
	var want []string
	for _, dialect := range migrations.Dialects {
		ms, err := migrations.New(dialect)
		if err != nil {
			t.Fatalf("New(%q): %v", dialect, err)
		}
		var names []string
		for _, m := range ms.Sorted() {
			if m.Up == nil || m.Down == nil {
				t.Errorf("%s: migration %s lacks an up or a down step", dialect, m)
			}
			names = append(names, m.String())
		}
		if len(names) == 0 {
			t.Fatalf("%s: no migrations", dialect)
		}
		if want == nil {
			want = names
		} else if !slices.Equal(names, want) {
			t.Errorf("%s migrations = %v, want the same as %s: %v", dialect, names, migrations.Dialects[0], want)
		}
	}
}

func TestNewUnknownDialect(t *testing.T) {
	if _, err := migrations.New("mysql"); err == nil {
		t.Fatal(`New("mysql") succeeded, want an error`)
	}
}

// DroppedTables reads what a down step drops: the initial schema's tables,
// children first, in both dialects.
func TestDroppedTables(t *testing.T) {
	for _, dialect := range migrations.Dialects {
		ms, err := migrations.New(dialect)
		if err != nil {
			t.Fatal(err)
		}
		got, err := migrations.DroppedTables(dialect, ms.Sorted()[0].Name)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"usage_daily", "llm_calls", "messages", "rooms", "identities", "users"}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the initial migration drops %v, want %v", dialect, got, want)
		}
		if _, err := migrations.DroppedTables(dialect, "19990101000000"); err == nil {
			t.Errorf("%s: a migration that does not exist has no down step", dialect)
		}
	}
}
