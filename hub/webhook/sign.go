package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names from the Standard Webhooks spec. They are exported so the
// dispatcher, the delivery log and receivers in tests spell them one way.
const (
	// HeaderID carries the message id, stable across retries, which
	// receivers use to drop duplicates.
	HeaderID = "webhook-id"
	// HeaderTimestamp carries the signing time in Unix seconds, which
	// receivers check to refuse replays.
	HeaderTimestamp = "webhook-timestamp"
	// HeaderSignature carries the space-separated signatures.
	HeaderSignature = "webhook-signature"
)

// signatureVersion tags an HMAC-SHA256 signature in the signature header; the
// tag lets receivers skip signatures made with schemes they do not know.
const signatureVersion = "v1"

// Sign returns the webhook-signature header value for one delivery attempt:
// one "v1,<base64 HMAC>" per secret, space-separated. Several secrets are how
// rotation works without a cut-over: the old and the new secret both sign
// while the receiver switches, and it accepts whichever it knows. With no
// secrets the result is empty, which every verifier rejects.
func Sign(msgID string, timestamp time.Time, body []byte, secrets ...[]byte) string {
	ts := strconv.FormatInt(timestamp.Unix(), 10)
	sigs := make([]string, 0, len(secrets))
	for _, key := range secrets {
		sigs = append(sigs, signatureVersion+","+base64.StdEncoding.EncodeToString(mac(key, msgID, ts, body)))
	}
	return strings.Join(sigs, " ")
}

// Headers returns the three Standard Webhooks headers for one delivery
// attempt, ready to merge into the outgoing request, so the signed timestamp
// and the sent one cannot drift apart.
func Headers(msgID string, ts time.Time, body []byte, secrets ...[]byte) http.Header {
	h := make(http.Header, 3)
	h.Set(HeaderID, msgID)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, Sign(msgID, ts, body, secrets...))
	return h
}

// mac computes HMAC-SHA256 over "id.timestamp.body", the content the spec
// signs: binding the id and the time stops a captured body being replayed
// under another id or long after.
func mac(key []byte, msgID, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msgID))
	m.Write([]byte{'.'})
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}
