// Package config reads the hub's settings. One table below names every
// setting once, with its environment variable, flag, default and help, so the
// environment, the flags and `--help` can never disagree.
package config

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting a hub process needs. The zero value is not
// useful; call Default or Load.
type Config struct {
	Addr                string
	DatabaseURL         string
	JWTSecret           string
	JWTPublicKey        string
	PublicURL           string
	AllowPrivateTargets string
	LogFormat           string
	LogLevel            string
	RateLimit           int
	RateWindow          time.Duration
	MaxBodyBytes        int
	ShutdownTimeout     time.Duration
	AdminTokenTTL       time.Duration
	LoginLinkTTL        time.Duration
	ResumeLinkTTL       time.Duration
	Webhooks            Webhooks
}

// setting describes one configuration value in one place.
type setting struct {
	name   string // flag name
	env    string // environment variable
	def    string
	help   string
	secret bool // also read from ENV_FILE
	set    func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func integer(p func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("must be a whole number ≥ 0, got %q", v)
		}
		*p(c) = n
		return nil
	}
}

func duration(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("must be a duration such as 30s or 1h, got %q", v)
		}
		*p(c) = d
		return nil
	}
}

// durations reads a comma-separated list of positive durations.
func durations(p func(*Config) *[]time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		var out []time.Duration
		for _, part := range strings.Split(v, ",") {
			d, err := time.ParseDuration(strings.TrimSpace(part))
			if err != nil || d <= 0 {
				return fmt.Errorf("must be comma-separated durations such as 5s,5m,30m, got %q", v)
			}
			out = append(out, d)
		}
		*p(c) = out
		return nil
	}
}

var settings = []setting{
	{"addr", "VISAGE_ADDR", "127.0.0.1:8080", "listen address (host:port)", false, str(func(c *Config) *string { return &c.Addr })},
	{"database-url", "VISAGE_DATABASE_URL", "data/visage.db", "a SQLite file path or sqlite://path, or postgres://… for PostgreSQL", true, str(func(c *Config) *string { return &c.DatabaseURL })},
	{"jwt-secret", "VISAGE_JWT_SECRET", "", "HS256 secret for admin JWTs; when empty (and no public key) one is generated and kept in the database", true, str(func(c *Config) *string { return &c.JWTSecret })},
	{"jwt-public-key", "VISAGE_JWT_PUBLIC_KEY", "", "PEM public key (Ed25519 for EdDSA, RSA for RS256) that admin JWTs are verified with instead of a secret", true, str(func(c *Config) *string { return &c.JWTPublicKey })},
	{"public-url", "VISAGE_PUBLIC_URL", "", "externally visible base URL used in links (default http://ADDR)", false, str(func(c *Config) *string { return &c.PublicURL })},
	{"allow-private-targets", "VISAGE_ALLOW_PRIVATE_TARGETS", "", "CIDRs (comma-separated) or 'all' that webhook targets may resolve to despite being private; development and tests only", false, str(func(c *Config) *string { return &c.AllowPrivateTargets })},
	{"log-format", "VISAGE_LOG_FORMAT", "text", "log format: json or text", false, str(func(c *Config) *string { return &c.LogFormat })},
	{"log-level", "VISAGE_LOG_LEVEL", "info", "log level: debug, info, warn or error", false, str(func(c *Config) *string { return &c.LogLevel })},
	{"rate-limit", "VISAGE_RATE_LIMIT", "600", "requests per API key per rate window (0 turns the limit off)", false, integer(func(c *Config) *int { return &c.RateLimit })},
	{"rate-window", "VISAGE_RATE_WINDOW", "1m", "length of the rate-limit window", false, duration(func(c *Config) *time.Duration { return &c.RateWindow })},
	{"max-body-bytes", "VISAGE_MAX_BODY_BYTES", "1048576", "largest JSON request body accepted, in bytes (resume uploads have their own 10 MiB limit)", false, integer(func(c *Config) *int { return &c.MaxBodyBytes })},
	{"shutdown-timeout", "VISAGE_SHUTDOWN_TIMEOUT", "30s", "how long a graceful shutdown waits for in-flight work", false, duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	{"admin-token-ttl", "VISAGE_ADMIN_TOKEN_TTL", "12h", "lifetime of the admin JWT a sign-in link is exchanged for", false, duration(func(c *Config) *time.Duration { return &c.AdminTokenTTL })},
	{"login-link-ttl", "VISAGE_LOGIN_LINK_TTL", "24h", "how long a one-time sign-in link stays valid", false, duration(func(c *Config) *time.Duration { return &c.LoginLinkTTL })},
	{"resume-link-ttl", "VISAGE_RESUME_LINK_TTL", "168h", "how long the signed resume download links in candidate payloads and webhooks stay valid", false, duration(func(c *Config) *time.Duration { return &c.ResumeLinkTTL })},
	{"dispatcher", "VISAGE_DISPATCHER", "on", "run the webhook dispatcher inside serve: on or off (off when separate 'visage-hub dispatch' processes do the sending)", false, str(func(c *Config) *string { return &c.Webhooks.Dispatcher })},
	{"webhook-retry-schedule", "VISAGE_WEBHOOK_RETRY_SCHEDULE", "5s,5m,30m,2h,5h,10h,10h", "waits between webhook delivery attempts (comma-separated, each ±20 % jitter); after the last the delivery fails", false, durations(func(c *Config) *[]time.Duration { return &c.Webhooks.RetrySchedule })},
	{"webhook-timeout", "VISAGE_WEBHOOK_TIMEOUT", "15s", "time limit of one webhook delivery attempt, connection included", false, duration(func(c *Config) *time.Duration { return &c.Webhooks.Timeout })},
	{"webhook-disable-after", "VISAGE_WEBHOOK_DISABLE_AFTER", "120h", "an endpoint failing every attempt for this long is disabled", false, duration(func(c *Config) *time.Duration { return &c.Webhooks.DisableAfter })},
	{"delivery-retention", "VISAGE_DELIVERY_RETENTION", "720h", "how long deliveries and their attempt logs are kept", false, duration(func(c *Config) *time.Duration { return &c.Webhooks.Retention })},
	{"dispatch-lease", "VISAGE_DISPATCH_LEASE", "2m", "how long a dispatcher owns a claimed delivery; must exceed the webhook timeout", false, duration(func(c *Config) *time.Duration { return &c.Webhooks.Lease })},
	{"dispatch-batch", "VISAGE_DISPATCH_BATCH", "100", "events fanned out, deliveries claimed and attempts recorded per database transaction", false, integer(func(c *Config) *int { return &c.Webhooks.Batch })},
	{"dispatch-concurrency", "VISAGE_DISPATCH_CONCURRENCY", "2048", "deliveries claimed and not yet recorded at once per dispatcher (being sent, or waiting for their endpoint's turn)", false, integer(func(c *Config) *int { return &c.Webhooks.Concurrency })},
	{"webhook-endpoint-concurrency", "VISAGE_WEBHOOK_ENDPOINT_CONCURRENCY", "16", "delivery attempts in flight at once to one endpoint, per dispatcher", false, integer(func(c *Config) *int { return &c.Webhooks.PerEndpoint })},
	{"webhook-connect-timeout", "VISAGE_WEBHOOK_CONNECT_TIMEOUT", "5s", "time limit of opening the TCP connection of a webhook delivery attempt (within the attempt's own limit)", false, duration(func(c *Config) *time.Duration { return &c.Webhooks.ConnectTimeout })},
	{"webhook-max-retry-after", "VISAGE_WEBHOOK_MAX_RETRY_AFTER", "10h", "the longest wait a receiver's Retry-After (on 429 or 503) is honoured for; longer ones are cut to this", false, duration(func(c *Config) *time.Duration { return &c.Webhooks.MaxRetryAfter })},
	{"dispatch-poll", "VISAGE_DISPATCH_POLL", "5s", "the dispatcher's safety-net poll, which also recovers expired leases", false, duration(func(c *Config) *time.Duration { return &c.Webhooks.Poll })},
}

// Default returns the configuration with every default applied and no
// environment read; tests start from it.
func Default() Config {
	var c Config
	for _, s := range settings {
		if err := s.set(&c, s.def); err != nil {
			panic(fmt.Sprintf("config: default of %s: %v", s.name, err))
		}
	}
	return c
}

// Flags registers every setting on fs, with the value from the environment
// (or its _FILE variant for secrets) as the flag's default, so flags override
// the environment and `--help` shows each variable's name. The returned
// function applies the parsed flags and validates the result.
func Flags(fs *flag.FlagSet, getenv func(string) string) func() (Config, error) {
	vals := make(map[string]*string, len(settings))
	var envErr error
	for _, s := range settings {
		v, err := fromEnv(s, getenv)
		if err != nil && envErr == nil {
			envErr = err
		}
		help := fmt.Sprintf("%s (env %s", s.help, s.env)
		if s.secret {
			help += ", or " + s.env + "_FILE"
		}
		help += ")"
		vals[s.name] = fs.String(s.name, v, help)
	}
	return func() (Config, error) {
		if envErr != nil {
			return Config{}, envErr
		}
		var c Config
		for _, s := range settings {
			if err := s.set(&c, *vals[s.name]); err != nil {
				return Config{}, fmt.Errorf("--%s / %s: %w", s.name, s.env, err)
			}
		}
		return c, c.validate()
	}
}

func fromEnv(s setting, getenv func(string) string) (string, error) {
	if v := getenv(s.env); v != "" {
		return v, nil
	}
	if s.secret {
		if path := getenv(s.env + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("%s_FILE: %w", s.env, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
	}
	return s.def, nil
}

func (c *Config) validate() error {
	switch c.LogFormat {
	case "json", "text":
	default:
		return fmt.Errorf("VISAGE_LOG_FORMAT must be json or text, got %q", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("VISAGE_LOG_LEVEL must be debug, info, warn or error, got %q", c.LogLevel)
	}
	if c.RateLimit > 0 && c.RateWindow <= 0 {
		return fmt.Errorf("VISAGE_RATE_WINDOW must be positive when a rate limit is set")
	}
	if err := c.Webhooks.validate(); err != nil {
		return err
	}
	if c.MaxBodyBytes < 1024 {
		return fmt.Errorf("VISAGE_MAX_BODY_BYTES must be at least 1024")
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return nil
}

// BaseURL is the URL links point at: VISAGE_PUBLIC_URL when set, else the
// listen address (which `serve` replaces with the address it really bound,
// for :0).
func (c Config) BaseURL() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	return "http://" + c.Addr
}

// Webhooks are the dispatcher's settings.
type Webhooks struct {
	Dispatcher    string // on or off: whether serve runs a dispatcher
	RetrySchedule []time.Duration
	Timeout       time.Duration
	DisableAfter  time.Duration
	Retention     time.Duration
	Lease         time.Duration
	Batch         int
	Concurrency   int
	PerEndpoint   int
	Poll          time.Duration
	// ConnectTimeout bounds the TCP connect; Timeout, which covers the
	// whole attempt, still applies when it is the shorter.
	ConnectTimeout time.Duration
	// MaxRetryAfter caps how long a receiver's Retry-After delays a retry.
	MaxRetryAfter time.Duration
}

// DispatcherOn reports whether serve should run a dispatcher.
func (w Webhooks) DispatcherOn() bool { return w.Dispatcher == "on" }

func (w Webhooks) validate() error {
	switch {
	case w.Dispatcher != "on" && w.Dispatcher != "off":
		return fmt.Errorf("VISAGE_DISPATCHER must be on or off, got %q", w.Dispatcher)
	case w.Timeout <= 0 || w.Lease < w.Timeout+5*time.Second:
		return fmt.Errorf("VISAGE_DISPATCH_LEASE (%s) must exceed VISAGE_WEBHOOK_TIMEOUT (%s) by at least 5s, or a slow attempt could be sent twice", w.Lease, w.Timeout)
	case w.Batch < 1 || w.Concurrency < 1 || w.PerEndpoint < 1:
		return fmt.Errorf("VISAGE_DISPATCH_BATCH, VISAGE_DISPATCH_CONCURRENCY and VISAGE_WEBHOOK_ENDPOINT_CONCURRENCY must be at least 1")
	case w.Poll <= 0 || w.Retention <= 0 || w.DisableAfter <= 0 || w.MaxRetryAfter <= 0:
		return fmt.Errorf("VISAGE_DISPATCH_POLL, VISAGE_DELIVERY_RETENTION, VISAGE_WEBHOOK_DISABLE_AFTER " +
			"and VISAGE_WEBHOOK_MAX_RETRY_AFTER must be positive")
	case w.ConnectTimeout <= 0:
		return fmt.Errorf("VISAGE_WEBHOOK_CONNECT_TIMEOUT must be positive")
	}
	return nil
}
