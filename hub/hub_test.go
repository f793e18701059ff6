package hub_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
)

func TestIDs(t *testing.T) {
	a, b := hub.NewID(hub.PrefixJob), hub.NewID(hub.PrefixJob)
	if !(a < b) {
		t.Fatalf("IDs made in order do not sort in order: %s then %s", a, b)
	}
	cases := []struct {
		name, prefix, id string
		want             bool
	}{
		{"fresh id", hub.PrefixJob, a, true},
		{"wrong prefix", hub.PrefixCand, a, false},
		{"upper case body", hub.PrefixJob, "job_" + strings.ToUpper(a[4:]), false},
		{"too short", hub.PrefixJob, a[:len(a)-1], false},
		{"path traversal", hub.PrefixJob, "job_../../etc/passwd", false},
		{"empty", hub.PrefixJob, "", false},
		{"bad alphabet", hub.PrefixJob, "job_" + strings.Repeat("u", 26), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := hub.ValidID(c.prefix, c.id); got != c.want {
				t.Fatalf("ValidID(%q, %q) = %v", c.prefix, c.id, got)
			}
		})
	}
}

func TestAPIKeyShape(t *testing.T) {
	k, plain, err := hub.NewAPIKey("acct_x", "label", "me")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain, "vsk_") || len(plain) != 36 || !hub.LooksLikeAPIKey(plain) {
		t.Fatalf("key %q", plain)
	}
	if k.Hash != hub.HashAPIKey(plain) || strings.Contains(k.Hash, plain[4:]) || !strings.HasPrefix(plain, k.Prefix) {
		t.Fatalf("stored form %+v", k)
	}
	_, other, _ := hub.NewAPIKey("acct_x", "", "")
	if other == plain {
		t.Fatal("two keys are equal")
	}
	for _, bad := range []string{"", "vsk_", "vsk_short", "sk_" + plain[4:], "vsk_" + strings.Repeat("!", 32), plain + "\n"} {
		if hub.LooksLikeAPIKey(bad) {
			t.Errorf("LooksLikeAPIKey(%q) = true", bad)
		}
	}
}

func TestTimeJSONAndDB(t *testing.T) {
	tm := hub.TimeOf(time.Date(2026, 3, 4, 5, 6, 7, 891_234_567, time.FixedZone("x", 3600)))
	b, _ := json.Marshal(tm)
	if string(b) != `"2026-03-04T04:06:07.891Z"` {
		t.Fatalf("json %s", b)
	}
	var back hub.Time
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(tm.Time) {
		t.Fatalf("round trip %v %v", back, err)
	}
	v, _ := tm.Value()
	var scanned hub.Time
	if err := scanned.Scan(v); err != nil || !scanned.Equal(tm.Time) {
		t.Fatalf("db round trip %v %v", scanned, err)
	}
	var zero hub.Time
	if b, _ := json.Marshal(zero); string(b) != "null" {
		t.Fatalf("zero time is %s", b)
	}
	if v, _ := zero.Value(); v != nil {
		t.Fatalf("zero time stored as %v", v)
	}
	if err := scanned.Scan("nope"); err == nil {
		t.Fatal("scanned a string")
	}
}

func TestErrors(t *testing.T) {
	wrapped := fmt.Errorf("store: %w", hub.Invalid(hub.FieldError{Field: "title", Message: "is required"}))
	if hub.ErrorCode(wrapped) != hub.EInvalid || hub.ErrorMessage(wrapped) != "title: is required" || len(hub.ErrorFields(wrapped)) != 1 {
		t.Fatalf("wrapped domain error lost: %v", wrapped)
	}
	plain := errors.New("pq: relation does not exist")
	if hub.ErrorCode(plain) != hub.EInternal || strings.Contains(hub.ErrorMessage(plain), "pq") {
		t.Fatalf("internal error leaks: %q", hub.ErrorMessage(plain))
	}
	if hub.ErrorCode(nil) != "" {
		t.Fatal("nil has a code")
	}
}

func TestCursorSigning(t *testing.T) {
	s := hub.NewSigner([]byte("secret"), "cursor")
	cur := s.EncodeCursor("acct_a|/v1/jobs|open", "job_123")
	got, err := s.DecodeCursor("acct_a|/v1/jobs|open", cur)
	if err != nil || got != "job_123" {
		t.Fatalf("round trip: %q %v", got, err)
	}
	other := hub.NewSigner([]byte("secret"), "resume-link")
	cases := map[string]struct {
		s      *hub.Signer
		scope  string
		cursor string
	}{
		"other scope":   {s, "acct_b|/v1/jobs|open", cur},
		"other filter":  {s, "acct_a|/v1/jobs|closed", cur},
		"other purpose": {other, "acct_a|/v1/jobs|open", cur},
		"tampered body": {s, "acct_a|/v1/jobs|open", "am9iXzEyNA." + strings.SplitN(cur, ".", 2)[1]},
		"no signature":  {s, "acct_a|/v1/jobs|open", strings.SplitN(cur, ".", 2)[0]},
		"garbage":       {s, "acct_a|/v1/jobs|open", "%%%.###"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := c.s.DecodeCursor(c.scope, c.cursor); hub.ErrorCode(err) != hub.EMalformed {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestLinkSigning(t *testing.T) {
	s := hub.NewSigner([]byte("secret"), "resume-link")
	now := time.Unix(1_800_000_000, 0)
	q := s.SignLink("/v1/candidates/cand_1/resume", now.Add(time.Hour))
	var exp, sig string
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k == "exp" {
			exp = v
		} else if k == "sig" {
			sig = v
		}
	}
	if err := s.VerifyLink("/v1/candidates/cand_1/resume", exp, sig, now); err != nil {
		t.Fatalf("fresh link refused: %v", err)
	}
	bad := map[string][3]string{
		"expired":      {"/v1/candidates/cand_1/resume", exp, sig},
		"other path":   {"/v1/candidates/cand_2/resume", exp, sig},
		"extended exp": {"/v1/candidates/cand_1/resume", "9999999999", sig},
		"bad sig":      {"/v1/candidates/cand_1/resume", exp, "x" + sig[1:]},
	}
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			at := now
			if name == "expired" {
				at = now.Add(2 * time.Hour)
			}
			if err := s.VerifyLink(c[0], c[1], c[2], at); hub.ErrorCode(err) != hub.EForbidden {
				t.Fatalf("err = %v", err)
			}
		})
	}
}
