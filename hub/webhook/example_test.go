package webhook_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/visage-jobs/visage-hub/hub/webhook"
)

// A receiver verifies each delivery before trusting it, using the raw body
// exactly as received (re-encoded JSON would not match the signature).
func ExampleVerify() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" // from the endpoint's settings

	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		if err := webhook.Verify(secret, r.Header, body); err != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})

	// What the hub sends: the body plus the three signed headers.
	key, err := webhook.ParseSecret(secret)
	if err != nil {
		fmt.Println(err)
		return
	}
	body := []byte(`{"id":"evt_1","type":"candidate.interested","data":{}}`)
	headers := webhook.Headers("msg_1", time.Now(), body, key)

	for _, payload := range [][]byte{body, []byte(`{"forged":true}`)} {
		req := httptest.NewRequest(http.MethodPost, "/hooks/visage", bytes.NewReader(payload))
		for name, values := range headers {
			req.Header[name] = values
		}
		rec := httptest.NewRecorder()
		receiver.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// 204
	// 401
}
