package hub

import (
	"crypto/rand"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// ID prefixes. A prefix tells a human reading a log line what an ID names,
// and lets the API reject an ID of the wrong kind before touching storage.
const (
	PrefixAccount  = "acct"
	PrefixAPIKey   = "key"
	PrefixJob      = "job"
	PrefixCand     = "cand"
	PrefixEvent    = "evt"
	PrefixWebhook  = "wh"
	PrefixHook     = "hook"
	PrefixDelivery = "dlv"
	PrefixAttempt  = "att"
	PrefixReplay   = "rpl"
)

var (
	idMu      sync.Mutex
	idEntropy = ulid.Monotonic(rand.Reader, 0)
)

// NewID returns prefix_ followed by a lower-case ULID. The ULID body sorts by
// creation time, so IDs double as a stable pagination key, and the monotonic
// source keeps IDs made in the same millisecond in order within a process.
func NewID(prefix string) string {
	idMu.Lock()
	id := ulid.MustNew(ulid.Timestamp(time.Now()), idEntropy)
	idMu.Unlock()
	return prefix + "_" + strings.ToLower(id.String())
}

// ValidID reports whether s looks like an ID with the given prefix. It lets
// handlers answer 404 for garbage without a database round trip.
func ValidID(prefix, s string) bool {
	body, ok := strings.CutPrefix(s, prefix+"_")
	if !ok || len(body) != ulid.EncodedSize || body != strings.ToLower(body) {
		return false
	}
	_, err := ulid.ParseStrict(strings.ToUpper(body))
	return err == nil
}
