package engine

import "testing"

// A room made from a scenario with no level chosen gets the scenario's level
// nearest to the one asked for (the lower one on a tie).
func TestScenarioNearestLevel(t *testing.T) {
	for _, tt := range []struct {
		levels []Level
		want   Level
	}{
		{[]Level{LevelA1, LevelB1, LevelC1}, LevelB1},
		{[]Level{LevelA1, LevelA2}, LevelA2},
		{[]Level{LevelB2, LevelC1}, LevelB2},
		{[]Level{LevelA2, LevelB2}, LevelA2},
		{[]Level{LevelC2}, LevelC2},
	} {
		s := &Scenario{Levels: tt.levels}
		if got := s.nearestLevel(LevelB1); got != tt.want {
			t.Errorf("levels %v: nearest to B1 = %s, want %s", tt.levels, got, tt.want)
		}
	}
}
