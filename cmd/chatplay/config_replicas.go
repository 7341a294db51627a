package main

import (
	"fmt"
	"slices"
	"strings"
)

// The surfaces a process serves (server.surfaces, serve -only).
const (
	surfaceAPI      = "api"      // the JSON API and the web app
	surfaceTelegram = "telegram" // the Telegram bot (polling or webhook)
	surfaceDiscord  = "discord"  // the Discord bot (gateway and interactions)
)

// allSurfaces are every surface, the default of server.surfaces.
var allSurfaces = []string{surfaceAPI, surfaceTelegram, surfaceDiscord}

// The ways of keeping turns in one room apart (database.room_locks).
const (
	roomLocksAuto     = "auto"     // database on PostgreSQL, process on SQLite
	roomLocksProcess  = "process"  // within this process
	roomLocksDatabase = "database" // PostgreSQL advisory locks, across processes
)

// parseSurfaces checks a list of surfaces (a comma-separated -only, or
// server.surfaces) and returns it without duplicates: at least one, each of
// allSurfaces.
func parseSurfaces(names []string) ([]string, error) {
	var out []string
	for _, name := range names {
		name = strings.ToLower(strings.TrimSpace(name))
		switch {
		case name == "":
			continue
		case !slices.Contains(allSurfaces, name):
			return nil, fmt.Errorf("unknown surface %q: the surfaces are %s", name, strings.Join(allSurfaces, ", "))
		case !slices.Contains(out, name):
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no surface named: name one or more of %s", strings.Join(allSurfaces, ", "))
	}
	return out, nil
}

// serves reports whether this process serves surface.
func (c ServerConfig) serves(surface string) bool { return slices.Contains(c.Surfaces, surface) }

// postgres reports whether the database is PostgreSQL.
func (c DatabaseConfig) postgres() bool { return !strings.HasPrefix(c.URL, "sqlite:") }

// sharedRoomLocks reports whether turns in a room are kept apart across
// processes: room_locks database, or auto on PostgreSQL.
func (c DatabaseConfig) sharedRoomLocks() bool {
	return c.RoomLocks == roomLocksDatabase || c.RoomLocks == roomLocksAuto && c.postgres()
}

// validateReplicas checks the keys of running several processes.
func (c Config) validateReplicas(bad func(key, format string, args ...any)) {
	if _, err := parseSurfaces(c.Server.Surfaces); err != nil {
		bad("server.surfaces", "%v", err)
	}
	switch {
	case c.Database.RoomLocks != roomLocksAuto && c.Database.RoomLocks != roomLocksProcess && c.Database.RoomLocks != roomLocksDatabase:
		bad("database.room_locks", "must be auto, process or database")
	case c.Database.RoomLocks == roomLocksDatabase && !c.Database.postgres():
		bad("database.room_locks", "database needs PostgreSQL (database.url postgres://…)")
	case c.Database.MaxRoomLocks < 1:
		bad("database.max_room_locks", "must be positive")
	}
}
