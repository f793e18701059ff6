package httpapi

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// IdempotencyStore keeps Idempotency-Key claims and stored responses in the
// database, so every hub process sharing it sees the same keys. It is part
// of Store; it is declared here so the middleware's needs read in one place.
type IdempotencyStore interface {
	ClaimIdempotencyKey(ctx context.Context, r store.IdempotencyRecord, staleBefore, abandonedBefore time.Time) (store.IdempotencyRecord, bool, error)
	CompleteIdempotencyKey(ctx context.Context, r store.IdempotencyRecord) error
	ReleaseIdempotencyKey(ctx context.Context, r store.IdempotencyRecord) error
}

const (
	idempotencyHeader = "Idempotency-Key"
	replayedHeader    = "Idempotent-Replayed"
	maxIdempotencyKey = 255
	// idempotencyTTL is how long a stored response is replayed (DESIGN.md:
	// 24 h); older rows are ignored and pruned.
	idempotencyTTL = 24 * time.Hour
	// idempotencyAbandoned is how long a claim may stay in progress before
	// another request may take it over. It is far longer than any request
	// can run (the server's read and write timeouts are a minute each), so
	// only a claim whose process died is taken over.
	idempotencyAbandoned = 5 * time.Minute
)

// The messages of the key's problems; the OpenAPI examples quote them.
const (
	msgMismatch      = "this Idempotency-Key was used in the last 24 hours for a different request (another body or path); use a new key for a new request"
	msgMismatchField = "was used for a different request"
	msgInProgress    = "a request with this Idempotency-Key is still being processed; retry when it has finished"
)

// idempotent says whether a route honours Idempotency-Key: the methods that
// change something, on routes that know the caller's account (keys are kept
// per account). The router and the OpenAPI document both ask it.
func idempotent(r Route) bool {
	switch r.Method {
	case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch:
		return r.Access != Public
	}
	return false
}

// validIdempotencyKey accepts 1 to 255 printable ASCII characters.
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// idempotency makes a retried request safe. The first request with a key
// claims it (status 0, in progress), runs, and stores its response; a
// retry with the same key and the same request gets that response again
// with Idempotent-Replayed: true, without running anything. Another request
// under the same key is a 422, and a retry while the first is still running
// a 409.
//
// Only 2xx responses are stored. A failed request changed nothing (every
// change commits together with its events, or not at all), so there is
// nothing to protect, and replaying a stale 404, 409 or 422 would hide that
// the situation or the request has since been fixed: on any error the claim
// is released and a retry runs afresh. 5xx are never stored for the same
// reason.
//
// Responses can carry secrets shown only once (a new API key), so the body
// is stored encrypted under a key derived from the client's
// Idempotency-Key, and the row is filed under a hash of that key: a copy
// of the database alone does not reveal what was returned.
func (s *Server) idempotency(c *fiber.Ctx) error {
	values := c.Request().Header.PeekAll(idempotencyHeader)
	if len(values) == 0 {
		return c.Next()
	}
	if len(values) > 1 || !validIdempotencyKey(string(values[0])) {
		return &hub.Error{Code: hub.EMalformed,
			Message: "the Idempotency-Key header must be one value of 1 to 255 printable ASCII characters, such as a UUID",
			Fields:  []hub.FieldError{{Field: idempotencyHeader, Message: "must be 1 to 255 printable ASCII characters"}}}
	}
	key := string(values[0])
	p := principal(c)
	sealKey, rowKey := idempotencySecrets(p.AccountID, key)
	now := time.Now()
	claim := store.IdempotencyRecord{
		AccountID: p.AccountID, Key: rowKey, Method: c.Method(), Path: c.Path(),
		RequestHash: requestHash(c), CreatedAt: hub.TimeOf(now),
	}
	ctx := c.UserContext()
	held, ok, err := s.store.ClaimIdempotencyKey(ctx, claim, now.Add(-idempotencyTTL), now.Add(-idempotencyAbandoned))
	if err != nil {
		return err
	}
	if !ok {
		return replay(c, claim, held, sealKey)
	}

	settled := false
	defer func() {
		// A panic in the handler unwinds through here: free the key so the
		// retry is not refused as in progress.
		if !settled {
			s.releaseKey(ctx, claim)
		}
	}()
	err = c.Next()
	status := c.Response().StatusCode()
	if err != nil || status < 200 || status > 299 {
		settled = true
		s.releaseKey(ctx, claim)
		return err
	}
	settled = true
	res := &c.Response().Header
	claim.Status = status
	claim.ContentType = string(res.ContentType())
	claim.Location = string(res.Peek(fiber.HeaderLocation))
	if claim.Body, err = seal(sealKey, rowKey, c.Response().Body()); err == nil {
		err = s.store.CompleteIdempotencyKey(ctx, claim)
	}
	if err != nil {
		// The change is made and the client gets its response; only a
		// retry loses: it sees the key in progress until it is abandoned.
		s.log.Error("store idempotent response", "request_id", requestID(c), "err", err)
	}
	return nil
}

func (s *Server) releaseKey(ctx context.Context, claim store.IdempotencyRecord) {
	if err := s.store.ReleaseIdempotencyKey(context.WithoutCancel(ctx), claim); err != nil {
		s.log.Error("release idempotency key", "err", err)
	}
}

// replay answers a request whose key is already held.
func replay(c *fiber.Ctx, claim, held store.IdempotencyRecord, sealKey []byte) error {
	if held.Method != claim.Method || held.Path != claim.Path || held.RequestHash != claim.RequestHash {
		return &hub.Error{Code: hub.EIdempotency, Message: msgMismatch,
			Fields: []hub.FieldError{{Field: idempotencyHeader, Message: msgMismatchField}}}
	}
	if held.InProgress() {
		c.Set(fiber.HeaderRetryAfter, "1")
		return hub.Errorf(hub.EConflict, msgInProgress)
	}
	body, err := unseal(sealKey, held.Key, held.Body)
	if err != nil {
		return fmt.Errorf("open stored idempotent response: %w", err)
	}
	if held.ContentType != "" {
		c.Set(fiber.HeaderContentType, held.ContentType)
	}
	if held.Location != "" {
		c.Set(fiber.HeaderLocation, held.Location)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(replayedHeader, "true")
	return c.Status(held.Status).Send(body)
}

// idempotencySecrets derives, from the client's key, the key that encrypts
// the stored response and the hash the row is filed under. Both are bound
// to the account, and neither reveals the other.
func idempotencySecrets(accountID, key string) (sealKey []byte, rowKey string) {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte("visage-hub/idempotency-seal\x00" + accountID))
	row := sha256.Sum256([]byte("visage-hub/idempotency-key\x00" + accountID + "\x00" + key))
	return m.Sum(nil), hex.EncodeToString(row[:])
}

func seal(key []byte, rowKey string, plain []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	return gcm.Seal(nonce, nonce, plain, []byte(rowKey)), nil
}

func unseal(key []byte, rowKey string, sealed []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, errors.New("stored response is too short")
	}
	return gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], []byte(rowKey))
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	return cipher.NewGCM(block)
}

// requestHash identifies "the same request" for a key: the query and the
// body. A JSON body is compared as data (key order and spacing do not
// matter, since clients re-encode on retry), and a multipart form by its
// fields and files, because every multipart encoder picks a new random
// boundary for each attempt.
func requestHash(c *fiber.Ctx) string {
	h := sha256.New()
	h.Write(c.Request().URI().QueryString())
	h.Write([]byte{0})
	body := c.Body()
	mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	switch {
	case mt == fiber.MIMEMultipartForm:
		if !hashForm(c, h) {
			h.Write(body)
		}
	case json.Valid(body):
		h.Write(canonicalJSON(body))
	default:
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func canonicalJSON(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body
	}
	out, err := json.Marshal(v) // map keys come out sorted
	if err != nil {
		return body
	}
	return out
}

// hashForm writes a multipart form's fields and files to h in a fixed
// order; false means the form could not be read (the raw body is hashed
// instead, and the handler reports the problem).
func hashForm(c *fiber.Ctx, h io.Writer) bool {
	form, err := c.MultipartForm()
	if err != nil {
		return false
	}
	for _, name := range sortedKeys(form.Value) {
		for _, v := range form.Value[name] {
			fmt.Fprintf(h, "v\x00%s\x00%d\x00%s\x00", name, len(v), v)
		}
	}
	for _, name := range sortedKeys(form.File) {
		for _, fh := range form.File[name] {
			f, err := fh.Open()
			if err != nil {
				return false
			}
			sum := sha256.New()
			_, err = io.Copy(sum, f)
			f.Close()
			if err != nil {
				return false
			}
			fmt.Fprintf(h, "f\x00%s\x00%s\x00%s\x00%x\x00", name, fh.Filename, fh.Header.Get(fiber.HeaderContentType), sum.Sum(nil))
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
