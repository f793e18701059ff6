package webhook

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is how far a delivery's timestamp may be from the
// receiver's clock, either way. Five minutes is the spec's recommendation:
// wide enough for ordinary clock skew, narrow enough that a captured request
// cannot be replayed much later.
const DefaultTolerance = 5 * time.Minute

// Verification failures. They are distinct so a receiver can log or count
// them apart (a clock problem looks very different from a forged request).
var (
	// ErrMissingHeaders means one of webhook-id, webhook-timestamp or
	// webhook-signature is absent or empty: the request was not sent by a
	// Standard Webhooks sender at all.
	ErrMissingHeaders = errors.New("missing webhook-id, webhook-timestamp or webhook-signature header")
	// ErrTimestamp matches every timestamp failure (unparsable, too old, too
	// new), for callers that only care that the time was unacceptable.
	ErrTimestamp = errors.New("webhook timestamp is invalid or outside the tolerance")
	// ErrTimestampTooOld means the delivery was signed longer ago than the
	// tolerance: a replay, or a receiver clock running fast.
	ErrTimestampTooOld error = timestampError("webhook timestamp is too old")
	// ErrTimestampTooNew means the delivery claims to be from the future
	// beyond the tolerance: a receiver clock running slow, or a forgery.
	ErrTimestampTooNew error = timestampError("webhook timestamp is too far in the future")
	// ErrNoMatchingSignature means no v1 signature in the header matches the
	// body with this secret: a forged or altered request, or the wrong secret.
	ErrNoMatchingSignature = errors.New("no matching webhook signature")
)

// timestampError lets the specific timestamp errors also match ErrTimestamp.
type timestampError string

func (e timestampError) Error() string        { return string(e) }
func (e timestampError) Is(target error) bool { return target == ErrTimestamp }

// Verifier checks incoming deliveries. It is a struct rather than only a
// function so tests can pin the clock and receivers can widen the tolerance;
// the zero value uses the real clock and DefaultTolerance.
type Verifier struct {
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Tolerance is the accepted clock difference either way; zero or
	// negative means DefaultTolerance.
	Tolerance time.Duration
}

// Verify checks a delivery with the real clock and the default tolerance; it
// is the one call a Go receiver needs.
func Verify(secret string, headers http.Header, body []byte) error {
	return Verifier{}.Verify(secret, headers, body)
}

// Verify checks that body and headers were signed with secret (given with or
// without the whsec_ prefix) within the tolerance. It accepts the delivery if
// any v1 signature in the header matches, which is what keeps receivers
// working through a secret rotation; signatures of other versions are
// ignored. Errors match ErrInvalidSecret, ErrMissingHeaders, ErrTimestamp (and
// ErrTimestampTooOld or ErrTimestampTooNew) or ErrNoMatchingSignature.
func (v Verifier) Verify(secret string, headers http.Header, body []byte) error {
	key, err := parseSecretLenient(secret)
	if err != nil {
		return fmt.Errorf("verify webhook: %w", err)
	}
	msgID := headers.Get(HeaderID)
	tsText := headers.Get(HeaderTimestamp)
	sigHeader := headers.Get(HeaderSignature)
	if msgID == "" || tsText == "" || sigHeader == "" {
		return ErrMissingHeaders
	}
	if err := v.checkTimestamp(tsText); err != nil {
		return err
	}
	want := mac(key, msgID, tsText, body)
	for _, candidate := range strings.Fields(sigHeader) {
		version, encoded, ok := strings.Cut(candidate, ",")
		if !ok || version != signatureVersion {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			continue
		}
		if hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrNoMatchingSignature
}

// checkTimestamp parses the header as whole Unix seconds, as the spec
// defines it, and compares it with the clock.
func (v Verifier) checkTimestamp(tsText string) error {
	for _, c := range tsText {
		if c < '0' || c > '9' {
			return fmt.Errorf("%w: %q is not whole Unix seconds", ErrTimestamp, tsText)
		}
	}
	secs, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q: %w", ErrTimestamp, tsText, err)
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	tolerance := v.Tolerance
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	current := now().Unix()
	limit := int64(tolerance / time.Second)
	switch {
	case secs < current-limit:
		return fmt.Errorf("%w (signed at %d, now %d)", ErrTimestampTooOld, secs, current)
	case secs > current+limit:
		return fmt.Errorf("%w (signed at %d, now %d)", ErrTimestampTooNew, secs, current)
	}
	return nil
}
