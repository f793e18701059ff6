package loadgen

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/valyala/fasthttp"
)

// worker owns one connection, one request in flight and its own tallies,
// so the hot path shares nothing but two atomic counters.
type worker struct {
	id int
	s  *shared
	hc *fasthttp.HostClient

	uri        []byte // scratch for prefix+path
	hist       histogram
	requests   int64
	errors     int64
	warm       int64
	status     map[int]int64
	firstErr   string
	firstErrAt time.Time
}

func newWorker(id int, s *shared, conns *connSet, dial dialFunc) *worker {
	w := &worker{id: id, s: s, status: make(map[int]int64)}
	w.hc = &fasthttp.HostClient{
		Addr: s.tgt.addr,
		Dial: func(addr string) (net.Conn, error) {
			c, err := loopbackDial(dial, addr, s.timeout)
			if err != nil {
				return nil, err
			}
			return conns.add(c)
		},
		MaxConns: 1,
		// One attempt: a retried request would be sent twice but
		// measured once, breaking "exactly MaxRequests" and hiding errors.
		MaxIdemponentCallAttempts: 1,
		RetryIf:                   func(*fasthttp.Request) bool { return false },
		MaxIdleConnDuration:       idleLimit(s),
		ReadTimeout:               s.timeout,
		WriteTimeout:              s.timeout,
		Name:                      "visage-hub-loadgen",
	}
	return w
}

// idleLimit is how long a worker's connection may sit idle. A closed-loop
// connection is never idle, and fasthttp's cleaner goroutine lingers this long
// after a run, so it is short; in open loop each worker sends only every
// Concurrency/Rate seconds, and the limit stretches so that a slow schedule
// does not turn into a dial per request.
func idleLimit(s *shared) time.Duration {
	idle := 2 * time.Second
	if s.interval > 0 {
		perWorker := time.Duration(2 * s.interval * float64(s.cfg.Concurrency))
		idle = min(max(idle, perWorker), time.Minute)
	}
	return idle
}

// loop sends requests until a bound is reached or the run is stopped.
func (w *worker) loop() {
	s := w.s
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	defer w.hc.CloseIdleConnections()
	var timer *time.Timer

	for i := 0; ; i++ {
		if s.stopped.Load() {
			return
		}
		var sched time.Time
		if s.interval > 0 {
			k := s.seq.Add(1) - 1
			sched = s.start.Add(time.Duration(float64(k) * s.interval))
			if !sched.Before(s.end) {
				return
			}
			if d := time.Until(sched); d > 0 {
				if timer == nil {
					timer = time.NewTimer(d)
				} else {
					timer.Reset(d)
				}
				select {
				case <-timer.C:
				case <-s.ctx.Done():
					return
				}
			}
		} else if sched = time.Now(); !sched.Before(s.end) {
			return
		}
		warm := sched.Before(s.t0)
		if !warm && s.max > 0 && s.issued.Add(1) > s.max {
			return
		}

		r := s.cfg.Request
		if s.cfg.Next != nil {
			r = s.cfg.Next(w.id, i)
		}
		if err := w.build(req, r); err != nil {
			if !warm {
				w.requests++
				w.fail(err, time.Now())
			}
			continue
		}

		deadline := time.Now().Add(s.timeout)
		if deadline.After(s.end) {
			deadline = s.end
		}
		if s.interval == 0 {
			sched = time.Now() // closed loop: latency excludes building the request
		}
		err := w.hc.DoDeadline(req, resp, deadline)
		done := time.Now()
		if s.stopped.Load() {
			return // cancelled mid-request: the outcome says nothing about the server
		}
		if err != nil && !done.Before(s.end) {
			return // cut off by the end of the run, not failed
		}
		if warm {
			w.warm++
			continue
		}
		w.requests++
		if err != nil {
			w.fail(err, done)
			continue
		}
		code := resp.StatusCode()
		w.hist.record(done.Sub(sched))
		w.status[code]++
		if !w.expected(code) {
			w.fail(statusError{code: code, method: r.Method, path: r.Path}, done)
		}
	}
}

// expected reports whether code counts as success.
func (w *worker) expected(code int) bool {
	if want := w.s.cfg.ExpectStatus; want != 0 {
		return code == want
	}
	return code >= 200 && code <= 299
}

// fail counts an error and keeps the worker's first one. The message is
// formatted only for that first error, so a failing server does not make the
// generator burn CPU on strings.
func (w *worker) fail(err error, at time.Time) {
	w.errors++
	if w.firstErr == "" {
		w.firstErr, w.firstErrAt = describe(err), at
	}
}

// statusError is a response whose status was not the expected one.
type statusError struct {
	code         int
	method, path string
}

func (e statusError) Error() string {
	m, p := e.method, e.path
	if m == "" {
		m = "GET"
	}
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("unexpected status %d from %s %s", e.code, m, p)
}

// build turns r into a fasthttp request aimed at the run's target.
func (w *worker) build(req *fasthttp.Request, r Request) error {
	path := r.Path
	if path == "" {
		path = "/"
	}
	if err := checkPath(path); err != nil {
		return err
	}
	req.Reset()
	w.uri = append(append(w.uri[:0], w.s.tgt.prefix...), path...)
	req.SetRequestURIBytes(w.uri)
	if r.Method != "" {
		req.Header.SetMethod(r.Method)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	if len(r.Body) > 0 {
		req.SetBodyRaw(r.Body)
	}
	return nil
}

// describe adds context to fasthttp's terse errors ("timeout").
func describe(err error) string {
	var se statusError
	switch {
	case errors.As(err, &se):
		return se.Error()
	case errors.Is(err, fasthttp.ErrTimeout):
		return fmt.Sprintf("request timed out: %v", err)
	default:
		return fmt.Sprintf("request failed: %v", err)
	}
}
