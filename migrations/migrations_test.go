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
