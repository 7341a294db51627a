package main

import (
	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/bots/connect"
	"github.com/chatplay/chatplay/bots/discord"
	"github.com/chatplay/chatplay/engine"
)

// maxComponentError is the longest reason /readyz gives for a component, in
// characters: enough to tell a DNS failure from a 401, short enough for a
// probe's log.
const maxComponentError = 160

// The statuses /readyz gives the model and the bots, beside connect's.
const (
	statusOK            = api.StatusOK
	statusUntested      = "untested"       // the model is configured and no call has been made yet
	statusFailing       = "failing"        // the model's last call failed (error: its kind)
	statusNotConfigured = "not_configured" // no model key; a bot without a token
	statusNotServed     = "not_served"     // a bot this process does not serve (server.surfaces, serve -only)
)

// modelComponent is the model's state for /readyz.
func modelComponent(st engine.ModelState) api.Component {
	switch {
	case !st.Configured:
		return api.Component{Status: statusNotConfigured, Error: "no model API key (CHATPLAY_MODEL_API_KEY) nor local model server", Degraded: true}
	case st.Calls == 0:
		return api.Component{Status: statusUntested}
	case st.Failing():
		return api.Component{Status: statusFailing, Error: "last call: " + string(st.LastKind), Degraded: true}
	}
	return api.Component{Status: statusOK}
}

// botComponent is a bot's state for /readyz; a nil bot has no token, or is
// not served here (served false). The Discord bot's also says which gateway
// shards this replica runs, and is degraded while a lease round or an owned
// shard's connection fails.
func botComponent(bot runner, served bool) api.Component {
	if !served {
		return api.Component{Status: statusNotServed}
	}
	if bot == nil {
		return api.Component{Status: statusNotConfigured}
	}
	st := bot.State()
	c := api.Component{Status: string(st.Status), Error: shorten(st.Err, maxComponentError)}
	if st.Status != connect.Connected && st.Status != statusStandby {
		c.Degraded = true
	}
	if sh, ok := bot.(interface{ Shards() discord.ShardState }); ok {
		if ss := sh.Shards(); ss.Count > 0 {
			c.Shards = &api.ComponentShards{Owned: append([]int{}, ss.Owned...), Count: ss.Count}
			if ss.Err != "" {
				c.Degraded = true
				if c.Error == "" {
					c.Error = shorten(ss.Err, maxComponentError)
				}
			}
		}
	}
	return c
}

// components returns /readyz's components beside the database.
func components(health *engine.ModelHealth, s *surfaces, server ServerConfig) func() map[string]api.Component {
	return func() map[string]api.Component {
		return map[string]api.Component{
			"model":    modelComponent(health.State()),
			"telegram": botComponent(s.bots["telegram"], server.serves(surfaceTelegram)),
			"discord":  botComponent(s.bots["discord"], server.serves(surfaceDiscord)),
		}
	}
}

// shorten returns s cut to at most n characters, with an ellipsis when cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
