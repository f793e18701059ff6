package makeapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Request is a communication evaluated into an HTTP request, the way Make
// sends it: the base's headers and query under the component's, a url
// starting with / appended to the base's baseUrl, undefined values left out.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   any // nil for no body; sent as JSON
}

// BuildRequest evaluates comm (a module's, RPC's, webhook's attach or
// detach code, or a connection's, which has no base: pass base nil).
func BuildRequest(base, comm map[string]any, sc Scope) (*Request, error) {
	r := &Request{Method: "GET", Header: http.Header{}}
	if m, ok := comm["method"].(string); ok {
		r.Method = m
	}
	u, err := EvalString(str(comm["url"]), sc)
	if err != nil {
		return nil, fmt.Errorf("url: %w", err)
	}
	r.URL = Text(u)
	if strings.HasPrefix(r.URL, "/") {
		if base == nil {
			return nil, fmt.Errorf("url %s is relative but there is no base", r.URL)
		}
		b, err := EvalString(str(base["baseUrl"]), sc)
		if err != nil {
			return nil, fmt.Errorf("baseUrl: %w", err)
		}
		r.URL = Text(b) + r.URL
	}
	qs := url.Values{}
	for _, src := range []any{base["qs"], comm["qs"]} {
		v, err := Eval(src, sc)
		if err != nil {
			return nil, fmt.Errorf("qs: %w", err)
		}
		m, _ := v.(map[string]any)
		for k, x := range m {
			qs.Del(k)
			if list, ok := x.([]any); ok {
				for _, item := range list {
					qs.Add(k, Text(item))
				}
				continue
			}
			if x != nil {
				qs.Set(k, Text(x))
			}
		}
	}
	if len(qs) > 0 {
		r.URL += "?" + qs.Encode()
	}
	for _, src := range []any{base["headers"], comm["headers"]} {
		v, err := Eval(src, sc)
		if err != nil {
			return nil, fmt.Errorf("headers: %w", err)
		}
		m, _ := v.(map[string]any)
		for k, x := range m {
			r.Header.Set(k, Text(x))
		}
	}
	if b, ok := comm["body"]; ok {
		v, err := Eval(b, sc)
		if err != nil {
			return nil, fmt.Errorf("body: %w", err)
		}
		if v != Undefined {
			r.Body = v
		}
	}
	return r, nil
}

// Merge overlays an epoch (or pagination) onto a trigger's communication:
// qs and headers key by key, everything else replaced.
func Merge(comm, over map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range comm {
		out[k] = v
	}
	for k, v := range over {
		if k == "qs" || k == "headers" || k == "response" {
			m := map[string]any{}
			if old, ok := out[k].(map[string]any); ok {
				for kk, vv := range old {
					m[kk] = vv
				}
			}
			if nm, ok := v.(map[string]any); ok {
				for kk, vv := range nm {
					m[kk] = vv
				}
			}
			out[k] = m
			continue
		}
		out[k] = v
	}
	return out
}

// Response is what came back.
type Response struct {
	Status int
	Header http.Header
	Body   any // decoded JSON, or the text when it is not JSON
}

// Send performs the request with client.
func (r *Request) Send(ctx context.Context, client *http.Client) (*Response, error) {
	var body io.Reader
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	out := &Response{Status: res.StatusCode, Header: res.Header}
	if len(raw) > 0 && json.Unmarshal(raw, &out.Body) != nil {
		out.Body = string(raw)
	}
	return out, nil
}

// Error is a response Make turns into an error, with the type and message
// the app's error directives give it.
type Error struct {
	Status  int
	Type    string
	Message string
}

// Error reads as Make shows it: the type, then the message.
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Type, e.Message) }

// Scope returns sc with the response's body, headers and statusCode.
func (res *Response) Scope(sc Scope) Scope {
	hs := map[string]any{}
	for k := range res.Header {
		hs[strings.ToLower(k)] = res.Header.Get(k)
	}
	return sc.With("body", res.Body).With("headers", hs).With("statusCode", float64(res.Status))
}

// Bundles applies a communication's response directives: an HTTP error
// becomes *Error (the component's error directive first, then the base's,
// the status's entry before the default); otherwise iterate, output and
// limit make the bundles (one, when there is no iterate).
func Bundles(base, comm map[string]any, sc Scope, res *Response) ([]any, error) {
	sc = res.Scope(sc)
	resp, _ := comm["response"].(map[string]any)
	if _, request := comm["url"]; resp == nil && !request {
		// An instant trigger's (or a webhook's) directives are top level:
		// there is no request of its own.
		resp = comm
	}
	if res.Status >= 400 {
		return nil, errorFor(base, resp, sc, res.Status)
	}
	output, hasOutput := resp["output"]
	if !hasOutput {
		output = "{{body}}"
	}
	items := []any{nil}
	iterating := false
	if it, ok := resp["iterate"]; ok {
		iterating = true
		if m, ok := it.(map[string]any); ok {
			it = m["container"]
		}
		v, err := Eval(it, sc)
		if err != nil {
			return nil, fmt.Errorf("iterate: %w", err)
		}
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("iterate: %T is not an array", v)
		}
		items = list
	}
	limit := -1
	if l, ok := resp["limit"]; ok {
		v, err := Eval(l, sc)
		if err != nil {
			return nil, fmt.Errorf("limit: %w", err)
		}
		n, err := strconv.Atoi(Text(v))
		if err != nil {
			return nil, fmt.Errorf("limit %v is not a number", v)
		}
		limit = n
	}
	var out []any
	for _, item := range items {
		if limit >= 0 && len(out) >= limit {
			break
		}
		isc := sc
		if iterating {
			isc = sc.With("item", item)
		}
		v, err := Eval(output, isc)
		if err != nil {
			return nil, fmt.Errorf("output: %w", err)
		}
		out = append(out, v)
	}
	return out, nil
}

func errorFor(base, resp map[string]any, sc Scope, status int) error {
	var specs []map[string]any
	if e, ok := resp["error"].(map[string]any); ok {
		specs = append(specs, e)
	}
	if br, ok := base["response"].(map[string]any); ok {
		if e, ok := br["error"].(map[string]any); ok {
			specs = append(specs, e)
		}
	}
	e := &Error{Status: status, Type: "RuntimeError", Message: fmt.Sprintf("Status Code Error: %d", status)}
	pick := func(m map[string]any) bool {
		msg, ok := m["message"]
		if !ok {
			return false
		}
		v, err := Eval(msg, sc)
		if err != nil {
			e.Message = err.Error()
		} else {
			e.Message = Text(v)
		}
		if t, ok := m["type"].(string); ok {
			e.Type = t
		}
		return true
	}
	for _, s := range specs {
		if byStatus, ok := s[strconv.Itoa(status)].(map[string]any); ok && pick(byStatus) {
			return e
		}
	}
	for _, s := range specs {
		if pick(s) {
			return e
		}
	}
	return e
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
