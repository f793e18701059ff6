package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
)

// TestSeedGivesALivingAPI is the newcomer's second step: after seeding,
// the API lists the demo candidates and the events carry resume links that
// a running hub serves without a key.
func TestSeedGivesALivingAPI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seed.db")
	acct := cli(t, db, "accounts", "create", "--name", "Demo")
	var res struct {
		Jobs       int            `json:"jobs"`
		Candidates int            `json:"candidates"`
		Resumes    int            `json:"resumes"`
		ByStatus   map[string]int `json:"by_status"`
	}
	out := cli(t, db, "seed", "--account", acct, "--jobs", "3", "--candidates", "25", "--seed", "3", "--json")
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("seed --json printed %q: %v", out, err)
	}
	if res.Jobs != 3 || res.Candidates != 25 || res.Resumes == 0 {
		t.Fatalf("seed counts %+v", res)
	}
	key := cli(t, db, "keys", "create", "--account", acct)
	h := startHub(t, db)

	var cands struct {
		Data []map[string]any `json:"data"`
	}
	if code := getJSON(t, h.base+"/v1/candidates?limit=200", key, &cands); code != 200 || len(cands.Data) != 25 {
		t.Fatalf("GET /v1/candidates: %d with %d candidates, want 200 with 25", code, len(cands.Data))
	}
	var events struct {
		Data []struct {
			Data struct {
				Resume *struct {
					URL string `json:"url"`
				} `json:"resume"`
			} `json:"data"`
		} `json:"data"`
	}
	if code := getJSON(t, h.base+"/v1/events?type=candidate.updated&limit=200", key, &events); code != 200 {
		t.Fatalf("GET /v1/events: %d", code)
	}
	var link string
	for _, e := range events.Data {
		if e.Data.Resume != nil && e.Data.Resume.URL != "" {
			link = e.Data.Resume.URL
			break
		}
	}
	if link == "" {
		t.Fatal("no candidate.updated event carries a resume link")
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	// The link was made for the default public URL; its signature covers
	// the path only, so it works on this hub's port too.
	resp, err := http.Get(h.base + u.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("resume link: %d %s, want 200 application/pdf", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
