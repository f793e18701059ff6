package dispatch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/webhook"
)

// UserAgent names the hub in every delivery, so receivers can tell our
// requests apart in their logs and firewalls.
const UserAgent = "Visage-Webhooks/1.0"

// refusedPrefix starts the error of an attempt the SSRF guard refused.
const refusedPrefix = "refused: "

// maxResponseHeaders bounds how many response headers an attempt logs.
const maxResponseHeaders = 50

// Sender makes one signed HTTP request to an endpoint and describes it as a
// delivery-log attempt. It is shared by queued deliveries, validation
// challenges and test events, so all three are signed and logged alike.
type Sender struct {
	// Client must be an ssrf client: it is what refuses private targets.
	Client *http.Client
	// Timeout is what the client's own timeout is, for the error text.
	Timeout time.Duration
}

// Send posts body to the endpoint signed with the secrets valid at `at`
// (also the signed timestamp) and returns the attempt without its number
// and schedule. It never returns an error: failures are attempts too.
func (s *Sender) Send(ctx context.Context, ep hub.Webhook, msgID string, body []byte, at time.Time) hub.Attempt {
	a := hub.Attempt{SentAt: hub.TimeOf(at), ResponseHeaders: map[string]string{}}
	var keys [][]byte
	for _, sec := range ep.SigningSecrets(at) {
		key, err := webhook.ParseSecret(sec)
		if err != nil {
			return failed(a, "the endpoint's signing secret is unusable: "+err.Error())
		}
		keys = append(keys, key)
	}
	h := webhook.Headers(msgID, at, body, keys...)
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", UserAgent)
	a.RequestHeaders = map[string]string{}
	for k := range h {
		a.RequestHeaders[http.CanonicalHeaderKey(k)] = h.Get(k)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return failed(a, "the URL is not valid: "+err.Error())
	}
	for k, v := range h {
		req.Header[k] = v
	}
	start := time.Now()
	res, err := s.Client.Do(req)
	if err != nil {
		a.DurationMS = time.Since(start).Milliseconds()
		return failed(a, s.describe(err))
	}
	defer res.Body.Close()
	b, rerr := io.ReadAll(io.LimitReader(res.Body, hub.MaxLoggedBody))
	// Drain a little more so the connection can be reused; a huge body is
	// cut off by closing instead.
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	a.DurationMS = time.Since(start).Milliseconds()
	status := res.StatusCode
	a.ResponseStatus = &status
	a.ResponseBody = string(b)
	for k := range res.Header {
		if len(a.ResponseHeaders) == maxResponseHeaders {
			break
		}
		a.ResponseHeaders[k] = res.Header.Get(k)
	}
	switch {
	case status >= 300 && status < 400:
		// The client never follows redirects: a redirect could point
		// anywhere, loopback included, and the receiver's URL is what
		// was validated. Say so, or the log would show a bare 3xx.
		to := res.Header.Get("Location")
		if to == "" {
			to = "no Location"
		}
		msg := fmt.Sprintf("refused to follow a redirect (HTTP %d to %s): webhook deliveries are never redirected, so this attempt failed; "+
			"save the final URL instead", status, to)
		a.Error = &msg
	case rerr != nil && !a.Succeeded():
		msg := "reading the response failed: " + s.describe(rerr)
		a.Error = &msg
	}
	return a
}

func failed(a hub.Attempt, msg string) hub.Attempt {
	a.Error = &msg
	return a
}

// describe turns a client error into a sentence for the delivery log: the
// guard's reason for a refused target, the timeout, or the network error
// without the URL (the log already shows it).
func (s *Sender) describe(err error) string {
	var be *ssrf.BlockedError
	if errors.As(err, &be) {
		return refusedPrefix + be.Reason
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Sprintf("timed out: no complete response within %s", s.Timeout)
	}
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner.Error()
		}
	}
	return err.Error()
}
