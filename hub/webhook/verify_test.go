package webhook

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func specKey(t *testing.T) []byte {
	t.Helper()
	key, err := ParseSecret(specSecret)
	if err != nil {
		t.Fatalf("spec secret: %v", err)
	}
	return key
}

func TestSignSpecVector(t *testing.T) {
	got := Sign(specMsgID, time.Unix(specTimestamp, 0), []byte(specBody), specKey(t))
	if got != specSignature {
		t.Fatalf("Sign = %q, want the spec's %q", got, specSignature)
	}
}

func TestSign(t *testing.T) {
	ts := time.Unix(specTimestamp, 0)
	body := []byte(specBody)
	other := randomLooking(32)
	otherSig := Sign(specMsgID, ts, body, other)
	tests := []struct {
		name    string
		ts      time.Time
		secrets [][]byte
		want    string
	}{
		{name: "no secrets", ts: ts, want: ""},
		{name: "one secret", ts: ts, secrets: [][]byte{specKey(t)}, want: specSignature},
		{name: "rotation signs with both, in order", ts: ts, secrets: [][]byte{specKey(t), other}, want: specSignature + " " + otherSig},
		{name: "sub-second part is dropped", ts: ts.Add(999 * time.Millisecond), secrets: [][]byte{specKey(t)}, want: specSignature},
		{name: "time zone does not matter", ts: ts.In(time.FixedZone("X", 5*3600)), secrets: [][]byte{specKey(t)}, want: specSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign(specMsgID, tt.ts, body, tt.secrets...); got != tt.want {
				t.Fatalf("Sign = %q, want %q", got, tt.want)
			}
		})
	}
	if otherSig == specSignature || !strings.HasPrefix(otherSig, "v1,") {
		t.Fatalf("signature with another key = %q, want a different v1 signature", otherSig)
	}
}

func TestHeaders(t *testing.T) {
	h := Headers(specMsgID, time.Unix(specTimestamp, 0), []byte(specBody), specKey(t))
	want := map[string]string{
		HeaderID:        specMsgID,
		HeaderTimestamp: strconv.Itoa(specTimestamp),
		HeaderSignature: specSignature,
	}
	for name, value := range want {
		if got := h.Get(name); got != value {
			t.Errorf("header %s = %q, want %q", name, got, value)
		}
	}
	if len(h) != len(want) {
		t.Errorf("Headers set %d headers (%v), want %d", len(h), h, len(want))
	}
}

// specHeaders returns the spec vector's headers with edits applied.
func specHeaders(edit func(h http.Header)) http.Header {
	h := http.Header{}
	h.Set(HeaderID, specMsgID)
	h.Set(HeaderTimestamp, strconv.Itoa(specTimestamp))
	h.Set(HeaderSignature, specSignature)
	if edit != nil {
		edit(h)
	}
	return h
}

func TestVerifierVerify(t *testing.T) {
	signedAt := time.Unix(specTimestamp, 0)
	otherKey := randomLooking(32)
	v2Sig := "v2," + strings.TrimPrefix(specSignature, "v1,")
	set := func(name, value string) func(http.Header) {
		return func(h http.Header) { h.Set(name, value) }
	}
	tests := []struct {
		name    string
		secret  string
		now     time.Time
		headers http.Header
		body    string
		want    error // nil means accepted
	}{
		{name: "spec vector", secret: specSecret, now: signedAt, headers: specHeaders(nil), body: specBody},
		{name: "secret without prefix", secret: strings.TrimPrefix(specSecret, SecretPrefix), now: signedAt, headers: specHeaders(nil), body: specBody},
		{name: "exactly tolerance old", secret: specSecret, now: signedAt.Add(DefaultTolerance), headers: specHeaders(nil), body: specBody},
		{name: "exactly tolerance ahead", secret: specSecret, now: signedAt.Add(-DefaultTolerance), headers: specHeaders(nil), body: specBody},
		{name: "tampered body", secret: specSecret, now: signedAt, headers: specHeaders(nil), body: `{"test": 2432232315}`, want: ErrNoMatchingSignature},
		{name: "body with trailing newline", secret: specSecret, now: signedAt, headers: specHeaders(nil), body: specBody + "\n", want: ErrNoMatchingSignature},
		{name: "tampered id", secret: specSecret, now: signedAt, headers: specHeaders(set(HeaderID, "msg_other")), body: specBody, want: ErrNoMatchingSignature},
		{name: "tampered timestamp", secret: specSecret, now: signedAt, headers: specHeaders(set(HeaderTimestamp, strconv.Itoa(specTimestamp+1))), body: specBody, want: ErrNoMatchingSignature},
		{name: "expired", secret: specSecret, now: signedAt.Add(DefaultTolerance + time.Second), headers: specHeaders(nil), body: specBody, want: ErrTimestampTooOld},
		{name: "a day old", secret: specSecret, now: signedAt.Add(24 * time.Hour), headers: specHeaders(nil), body: specBody, want: ErrTimestampTooOld},
		{name: "from the future", secret: specSecret, now: signedAt.Add(-DefaultTolerance - time.Second), headers: specHeaders(nil), body: specBody, want: ErrTimestampTooNew},
		{name: "fractional timestamp", secret: specSecret, now: signedAt, headers: specHeaders(set(HeaderTimestamp, "1614265330.5")), body: specBody, want: ErrTimestamp},
		{name: "negative timestamp", secret: specSecret, now: signedAt, headers: specHeaders(set(HeaderTimestamp, "-1614265330")), body: specBody, want: ErrTimestamp},
		{name: "non-numeric timestamp", secret: specSecret, now: signedAt, headers: specHeaders(set(HeaderTimestamp, "yesterday")), body: specBody, want: ErrTimestamp},
		{name: "timestamp overflows", secret: specSecret, now: signedAt, headers: specHeaders(set(HeaderTimestamp, "99999999999999999999")), body: specBody, want: ErrTimestamp},
		{name: "several signatures, one valid", secret: specSecret, now: signedAt, body: specBody,
			headers: specHeaders(set(HeaderSignature, "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "+v2Sig+" "+specSignature+" v1,bm9wZQ=="))},
		{name: "malformed entries around a valid one", secret: specSecret, now: signedAt, body: specBody,
			headers: specHeaders(set(HeaderSignature, "garbage v1, v1,!!notbase64!!  "+specSignature+"  "))},
		{name: "rotation: verified with the new secret", secret: whsec(otherKey), now: signedAt, body: specBody,
			headers: specHeaders(set(HeaderSignature, Sign(specMsgID, signedAt, []byte(specBody), specKey(t), otherKey)))},
		{name: "only other versions", secret: specSecret, now: signedAt, headers: specHeaders(set(HeaderSignature, v2Sig)), body: specBody, want: ErrNoMatchingSignature},
		{name: "signature without version", secret: specSecret, now: signedAt, headers: specHeaders(set(HeaderSignature, strings.TrimPrefix(specSignature, "v1,"))), body: specBody, want: ErrNoMatchingSignature},
		{name: "truncated signature", secret: specSecret, now: signedAt, headers: specHeaders(set(HeaderSignature, specSignature[:20])), body: specBody, want: ErrNoMatchingSignature},
		{name: "wrong secret", secret: whsec(otherKey), now: signedAt, headers: specHeaders(nil), body: specBody, want: ErrNoMatchingSignature},
		{name: "missing id", secret: specSecret, now: signedAt, headers: specHeaders(func(h http.Header) { h.Del(HeaderID) }), body: specBody, want: ErrMissingHeaders},
		{name: "missing timestamp", secret: specSecret, now: signedAt, headers: specHeaders(func(h http.Header) { h.Del(HeaderTimestamp) }), body: specBody, want: ErrMissingHeaders},
		{name: "missing signature", secret: specSecret, now: signedAt, headers: specHeaders(func(h http.Header) { h.Del(HeaderSignature) }), body: specBody, want: ErrMissingHeaders},
		{name: "empty signature", secret: specSecret, now: signedAt, headers: specHeaders(set(HeaderSignature, "")), body: specBody, want: ErrMissingHeaders},
		{name: "no headers at all", secret: specSecret, now: signedAt, headers: http.Header{}, body: specBody, want: ErrMissingHeaders},
		{name: "invalid secret", secret: "whsec_short", now: signedAt, headers: specHeaders(nil), body: specBody, want: ErrInvalidSecret},
		{name: "low-entropy secret", secret: whsec(make([]byte, 32)), now: signedAt, headers: specHeaders(nil), body: specBody, want: ErrInvalidSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Verifier{Now: func() time.Time { return tt.now }}
			err := v.Verify(tt.secret, tt.headers, []byte(tt.body))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyErrorsAreDistinct(t *testing.T) {
	sentinels := []error{ErrMissingHeaders, ErrTimestampTooOld, ErrTimestampTooNew, ErrNoMatchingSignature, ErrInvalidSecret}
	for i, a := range sentinels {
		for j, b := range sentinels {
			if i != j && errors.Is(a, b) {
				t.Errorf("%v matches %v; callers could not tell them apart", a, b)
			}
		}
	}
	for _, err := range []error{ErrTimestampTooOld, ErrTimestampTooNew} {
		if !errors.Is(err, ErrTimestamp) {
			t.Errorf("%v does not match ErrTimestamp", err)
		}
	}
	if errors.Is(ErrNoMatchingSignature, ErrTimestamp) {
		t.Error("ErrNoMatchingSignature matches ErrTimestamp")
	}
}

func TestVerifierTolerance(t *testing.T) {
	signedAt := time.Unix(specTimestamp, 0)
	tests := []struct {
		name      string
		tolerance time.Duration
		age       time.Duration
		want      error
	}{
		{name: "custom tolerance accepts within", tolerance: time.Hour, age: 59 * time.Minute},
		{name: "custom tolerance refuses beyond", tolerance: time.Minute, age: 2 * time.Minute, want: ErrTimestampTooOld},
		{name: "zero means default, accepts within", tolerance: 0, age: 4 * time.Minute},
		{name: "zero means default, refuses beyond", tolerance: 0, age: 6 * time.Minute, want: ErrTimestampTooOld},
		{name: "negative means default", tolerance: -time.Hour, age: -6 * time.Minute, want: ErrTimestampTooNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Verifier{Now: func() time.Time { return signedAt.Add(tt.age) }, Tolerance: tt.tolerance}
			err := v.Verify(specSecret, specHeaders(nil), []byte(specBody))
			if tt.want == nil && err != nil {
				t.Fatalf("Verify = %v, want success", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestRoundTripWithGeneratedSecrets(t *testing.T) {
	oldSecret, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	newSecret, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	unrelated, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	oldKey, err := ParseSecret(oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	newKey, err := ParseSecret(newSecret)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"id":"evt_1","type":"candidate.created","data":{}}`)
	h := Headers("msg_round_trip", time.Now(), body, oldKey, newKey)
	if n := len(strings.Fields(h.Get(HeaderSignature))); n != 2 {
		t.Fatalf("signature header has %d signatures, want 2", n)
	}

	tests := []struct {
		name   string
		secret string
		want   error
	}{
		{name: "old secret", secret: oldSecret},
		{name: "new secret", secret: newSecret},
		{name: "new secret without prefix", secret: strings.TrimPrefix(newSecret, SecretPrefix)},
		{name: "unrelated secret", secret: unrelated, want: ErrNoMatchingSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.secret, h, body)
			if tt.want == nil && err != nil {
				t.Fatalf("Verify = %v, want success", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSignatureDecodes(t *testing.T) {
	// Receivers compare raw MACs, so the encoded part must be standard,
	// padded base64 of a 32-byte HMAC-SHA256.
	sig := Sign("msg_1", time.Unix(1, 0), nil, randomLooking(32))
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sig, "v1,"))
	if err != nil || len(raw) != 32 {
		t.Fatalf("signature %q decodes to %d bytes (err %v), want 32", sig, len(raw), err)
	}
}
