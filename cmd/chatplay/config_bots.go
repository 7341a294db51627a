package main

import (
	"time"

	"github.com/chatplay/chatplay/bots/discord"
	"github.com/chatplay/chatplay/bots/telegram"
)

// TelegramConfig is the Telegram bot. It runs when Token is set.
type TelegramConfig struct {
	Token         string        `yaml:"token" secret:"true"`
	APIURL        string        `yaml:"api_url"`
	Mode          string        `yaml:"mode"`
	WebhookURL    string        `yaml:"webhook_url"`
	WebhookPath   string        `yaml:"webhook_path"`
	WebhookSecret string        `yaml:"webhook_secret" secret:"true"`
	EditInterval  time.Duration `yaml:"edit_interval"`
	PollTimeout   time.Duration `yaml:"poll_timeout"`
	WizardTTL     time.Duration `yaml:"wizard_ttl"`
}

// DiscordConfig is the Discord bot. It runs when Token is set.
type DiscordConfig struct {
	Token          string        `yaml:"token" secret:"true"`
	ApplicationID  string        `yaml:"application_id"`
	PublicKey      string        `yaml:"public_key"`
	APIURL         string        `yaml:"api_url"`
	GuildID        string        `yaml:"guild_id"`
	Gateway        bool          `yaml:"gateway"`
	ShardCount     int           `yaml:"shard_count"`
	EditInterval   time.Duration `yaml:"edit_interval"`
	RequestTimeout time.Duration `yaml:"request_timeout"`
}

func defaultTelegramConfig() TelegramConfig {
	return TelegramConfig{APIURL: telegram.DefaultAPIURL, Mode: telegram.ModePolling, WebhookPath: telegram.DefaultWebhookPath,
		EditInterval: telegram.DefaultEditInterval, PollTimeout: telegram.DefaultPollTimeout, WizardTTL: telegram.DefaultWizardTTL}
}

func defaultDiscordConfig() DiscordConfig {
	return DiscordConfig{APIURL: discord.DefaultAPIURL, Gateway: true, ShardCount: 1, EditInterval: discord.DefaultEditInterval,
		RequestTimeout: discord.DefaultRequestTimeout}
}

// telegramConfig is the bot package's Config; grace bounds its shutdown.
func (c TelegramConfig) telegramConfig(grace time.Duration) telegram.Config {
	return telegram.Config{Token: c.Token, APIURL: c.APIURL, Mode: c.Mode, WebhookURL: c.WebhookURL, WebhookPath: c.WebhookPath,
		WebhookSecret: c.WebhookSecret, EditInterval: c.EditInterval, PollTimeout: c.PollTimeout, WizardTTL: c.WizardTTL,
		ShutdownGrace: grace}
}

// discordConfig is the bot package's Config; grace bounds its shutdown.
func (c DiscordConfig) discordConfig(grace time.Duration) discord.Config {
	return discord.Config{Token: c.Token, ApplicationID: c.ApplicationID, PublicKey: c.PublicKey, APIURL: c.APIURL,
		GuildID: c.GuildID, Gateway: c.Gateway, ShardCount: c.ShardCount, EditInterval: c.EditInterval, RequestTimeout: c.RequestTimeout,
		ShutdownGrace: grace}
}
