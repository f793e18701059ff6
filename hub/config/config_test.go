package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	finish := Flags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	return finish()
}

func TestPrecedence(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("from-file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		env   map[string]string
		args  []string
		check func(Config) bool
	}{
		{"defaults", nil, nil, func(c Config) bool {
			return c.Addr == "127.0.0.1:8080" && c.DatabaseURL == "data/visage.db" && c.RateLimit == 600 && c.RateWindow == time.Minute && c.BaseURL() == "http://127.0.0.1:8080"
		}},
		{"env", map[string]string{"VISAGE_ADDR": "127.0.0.1:9000", "VISAGE_RATE_LIMIT": "5"}, nil, func(c Config) bool {
			return c.Addr == "127.0.0.1:9000" && c.RateLimit == 5
		}},
		{"flag beats env", map[string]string{"VISAGE_ADDR": "127.0.0.1:9000"}, []string{"--addr", "127.0.0.1:9001"}, func(c Config) bool {
			return c.Addr == "127.0.0.1:9001"
		}},
		{"secret from file", map[string]string{"VISAGE_JWT_SECRET_FILE": secretFile}, nil, func(c Config) bool {
			return c.JWTSecret == "from-file-secret"
		}},
		{"env beats file", map[string]string{"VISAGE_JWT_SECRET_FILE": secretFile, "VISAGE_JWT_SECRET": "direct"}, nil, func(c Config) bool {
			return c.JWTSecret == "direct"
		}},
		{"webhook durations", map[string]string{"VISAGE_WEBHOOK_CONNECT_TIMEOUT": "2s", "VISAGE_WEBHOOK_MAX_RETRY_AFTER": "1h"}, nil, func(c Config) bool {
			w := c.Webhooks
			return w.ConnectTimeout == 2*time.Second && w.MaxRetryAfter == time.Hour
		}},
		{"public url trimmed", map[string]string{"VISAGE_PUBLIC_URL": "https://hub.example.com/"}, nil, func(c Config) bool {
			return c.BaseURL() == "https://hub.example.com"
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := load(t, c.env, c.args...)
			if err != nil || !c.check(cfg) {
				t.Fatalf("%+v %v", cfg, err)
			}
		})
	}
}

func TestInvalidSettings(t *testing.T) {
	cases := map[string]map[string]string{
		"log format":           {"VISAGE_LOG_FORMAT": "xml"},
		"log level":            {"VISAGE_LOG_LEVEL": "loud"},
		"rate limit":           {"VISAGE_RATE_LIMIT": "-1"},
		"rate window":          {"VISAGE_RATE_WINDOW": "soon"},
		"body limit":           {"VISAGE_MAX_BODY_BYTES": "10"},
		"missing file":         {"VISAGE_JWT_SECRET_FILE": "/nonexistent/secret"},
		"duration junk":        {"VISAGE_SHUTDOWN_TIMEOUT": "1 minute"},
		"zero connect timeout": {"VISAGE_WEBHOOK_CONNECT_TIMEOUT": "0s"},
		"zero max retry-after": {"VISAGE_WEBHOOK_MAX_RETRY_AFTER": "0s"},
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := load(t, env); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestDefaultIsValid(t *testing.T) {
	c := Default()
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
}
