// Package loadgen is the HTTP load generator behind `make bench`. It drives
// a hub running on this machine with a fixed number of keep-alive
// connections and reports throughput and latency percentiles.
//
// It is deliberately small and deliberately confined: Run refuses any target
// that is not loopback before it dials anything, and every run is bounded by
// a request count, a duration, or both (with a hard time limit behind a
// count-only run), so a benchmark can never hammer a remote service or spin
// forever. It uses fasthttp's HostClient so that on a two-core machine the
// generator takes as little CPU as possible away from the server it measures.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Limits applied by Run. They are constants, not options, because they exist
// to keep a mistyped benchmark from running away.
const (
	// DefaultTimeout bounds one request when Config.Timeout is zero, so a
	// hung server costs a run one timeout per worker, not its whole budget.
	DefaultTimeout = 5 * time.Second
	// CountOnlyLimit is the time limit of a run with MaxRequests but no
	// Duration, so that "send N requests" still ends if the server stalls.
	CountOnlyLimit = 10 * time.Minute
	// MaxConcurrency caps workers; each one holds a connection and a
	// 36 KiB histogram, and loopback benchmarks need far fewer.
	MaxConcurrency = 1024
)

// Request is one HTTP request to send. It carries a path rather than a URL
// so that every request of a run provably goes to the one checked Target.
type Request struct {
	// Method defaults to GET, the common case for read benchmarks.
	Method string
	// Path is the path and query, starting with "/"; empty means "/".
	Path string
	// Header is set on the request as given (it may override Host or
	// User-Agent, but never where the connection goes).
	Header map[string]string
	// Body is sent as is and never copied or modified, so one slice can be
	// shared by every worker.
	Body []byte
}

// Config describes one run. The zero value is not runnable: Target and at
// least one of Duration and MaxRequests must be set, so a run always ends.
type Config struct {
	// Target is the server's base URL, "http://127.0.0.1:8080". Only
	// 127.0.0.0/8, ::1 and "localhost" are accepted; see ErrNotLoopback.
	Target string
	// Request is sent over and over when Next is nil.
	Request Request
	// Next, if set, produces every request instead of Request: worker is
	// in [0, Concurrency) and i counts that worker's requests from 0,
	// warmup included. Calls for one worker are sequential, so per-worker
	// state needs no lock. It runs on the hot path: keep it cheap.
	Next func(worker, i int) Request
	// Concurrency is the number of workers, each with one keep-alive
	// connection and at most one request in flight; 0 means 1.
	Concurrency int
	// Duration bounds the measured part of the run in time.
	Duration time.Duration
	// MaxRequests bounds the measured part in count: exactly this many
	// measured requests are sent unless Duration (CountOnlyLimit if
	// Duration is 0) or the context ends the run first; compare it with
	// Result.Requests. Warmup requests are not included.
	MaxRequests int
	// Warmup is a time spent sending requests before measuring, so that
	// connection set-up, cold caches and the database pool do not
	// count. Warmup requests appear only in Result.WarmupRequests.
	Warmup time.Duration
	// Timeout bounds each request; 0 means DefaultTimeout. A timed-out
	// request counts as an error.
	Timeout time.Duration
	// ExpectStatus is the status that counts as success; 0 accepts any
	// 2xx. Everything else is an error (and still a latency sample).
	ExpectStatus int
	// Rate, if positive, switches to open-loop mode: requests are
	// scheduled at fixed 1/Rate intervals across all workers, whatever the
	// server's speed, and latency is measured from the scheduled time, so
	// a stalled server shows up in the percentiles instead of silently
	// slowing the generator down (coordinated omission). Concurrency then
	// caps the requests in flight; if it is too low, requests go out late
	// and that lateness is part of their latency. 0 means closed loop:
	// each worker sends its next request as soon as the last one returns.
	Rate float64
}

// Result is what a run measured. Only measured requests count: warmup
// requests, and requests still in flight when the run ended or was
// cancelled, are not in Requests, Errors, StatusCounts or the percentiles.
type Result struct {
	// Requests is the number of measured requests that finished, with a
	// response or with an error.
	Requests int64
	// Errors counts transport failures, timeouts and unexpected statuses.
	Errors int64
	// WarmupRequests is reported so the server-side request count can be
	// reconciled with Requests.
	WarmupRequests int64
	// Elapsed is the measured wall time, from the end of warmup.
	Elapsed time.Duration
	// RPS is Requests / Elapsed, errors included, as wrk reports it.
	RPS float64
	// P50, P90, P99 and Max are latencies of requests that got a response
	// (nearest-rank, at most 0.78% high; Max is exact).
	P50, P90, P99, Max time.Duration
	// StatusCounts counts responses by status code.
	StatusCounts map[int]int64
	// FirstError describes the earliest error, so a run full of failures
	// says why without a log.
	FirstError string
}

// Run sends load to cfg.Target until cfg's bounds are reached or ctx is
// done, and returns what it measured. It returns an error without sending
// anything for an invalid Config or a non-loopback Target (ErrNotLoopback).
// If ctx ends the run early, Run returns the partial Result together with an
// error wrapping the context's cause.
func Run(ctx context.Context, cfg Config) (Result, error) {
	return run(ctx, cfg, netDial)
}

// shared is the state every worker of one run reads.
type shared struct {
	ctx      context.Context
	cfg      Config
	tgt      target
	start    time.Time // warmup starts
	t0       time.Time // measurement starts
	end      time.Time // nothing is sent at or after end
	interval float64   // ns between scheduled sends; 0 in closed loop
	timeout  time.Duration
	max      int64
	seq      atomic.Int64 // next schedule slot, open loop only
	issued   atomic.Int64 // measured requests started
	stopped  atomic.Bool  // ctx is done
}

func run(ctx context.Context, cfg Config, dial dialFunc) (Result, error) {
	tgt, err := parseTarget(cfg.Target)
	if err != nil {
		return Result{}, err
	}
	if err := validate(&cfg); err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("loadgen: not started: %w", context.Cause(ctx))
	}

	s := &shared{ctx: ctx, cfg: cfg, tgt: tgt, timeout: cfg.Timeout, max: int64(cfg.MaxRequests)}
	if cfg.Rate > 0 {
		s.interval = 1e9 / cfg.Rate
	}
	conns := newConnSet()
	stop := context.AfterFunc(ctx, func() {
		s.stopped.Store(true)
		conns.closeAll()
	})
	s.start = time.Now()
	s.t0 = s.start.Add(cfg.Warmup)
	if cfg.Duration > 0 {
		s.end = s.t0.Add(cfg.Duration)
	} else {
		s.end = s.t0.Add(CountOnlyLimit)
	}

	workers := make([]*worker, cfg.Concurrency)
	var wg sync.WaitGroup
	for id := range workers {
		w := newWorker(id, s, conns, dial)
		workers[id] = w
		wg.Go(w.loop)
	}
	wg.Wait()
	finished := time.Now()
	cancelled := !stop()
	conns.closeAll()

	res := merge(workers)
	if finished.After(s.end) {
		finished = s.end
	}
	res.Elapsed = max(finished.Sub(s.t0), 0)
	if res.Elapsed > 0 {
		res.RPS = float64(res.Requests) / res.Elapsed.Seconds()
	}
	if cancelled {
		return res, fmt.Errorf("loadgen: run stopped early: %w", context.Cause(ctx))
	}
	return res, nil
}

// validate fills defaults and rejects configurations that could run
// unbounded or make no sense.
func validate(cfg *Config) error {
	switch {
	case cfg.Concurrency < 0 || cfg.Concurrency > MaxConcurrency:
		return fmt.Errorf("loadgen: Concurrency %d outside [0, %d]", cfg.Concurrency, MaxConcurrency)
	case cfg.Duration < 0 || cfg.MaxRequests < 0 || cfg.Warmup < 0 || cfg.Timeout < 0:
		return errors.New("loadgen: Duration, MaxRequests, Warmup and Timeout must not be negative")
	case cfg.Duration == 0 && cfg.MaxRequests == 0:
		return errors.New("loadgen: set Duration or MaxRequests so the run ends")
	case math.IsNaN(cfg.Rate) || math.IsInf(cfg.Rate, 0) || cfg.Rate < 0:
		return fmt.Errorf("loadgen: Rate %v must be a finite number >= 0", cfg.Rate)
	case cfg.Rate > 0 && cfg.Rate < 1e-3:
		return fmt.Errorf("loadgen: Rate %v is below one request per 1000 s", cfg.Rate)
	case cfg.ExpectStatus != 0 && (cfg.ExpectStatus < 100 || cfg.ExpectStatus > 999):
		return fmt.Errorf("loadgen: ExpectStatus %d is not an HTTP status", cfg.ExpectStatus)
	}
	if cfg.Next != nil {
		r := cfg.Request
		if r.Method != "" || r.Path != "" || r.Header != nil || r.Body != nil {
			return errors.New("loadgen: set Request or Next, not both")
		}
	} else if err := checkPath(cfg.Request.Path); err != nil {
		return err
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 1
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	return nil
}

// checkPath rejects a path that would not start the request target with
// "/"; the dial address is fixed either way, but a malformed request line
// would only measure the server's 400 path.
func checkPath(p string) error {
	if p != "" && p[0] != '/' {
		return fmt.Errorf("loadgen: request path %q must start with /", p)
	}
	return nil
}

// merge adds up the workers' tallies.
func merge(workers []*worker) Result {
	var h histogram
	res := Result{StatusCounts: make(map[int]int64)}
	var firstAt time.Time
	for _, w := range workers {
		res.Requests += w.requests
		res.Errors += w.errors
		res.WarmupRequests += w.warm
		for code, n := range w.status {
			res.StatusCounts[code] += n
		}
		if w.firstErr != "" && (firstAt.IsZero() || w.firstErrAt.Before(firstAt)) {
			res.FirstError, firstAt = w.firstErr, w.firstErrAt
		}
		h.merge(&w.hist)
	}
	res.P50, res.P90, res.P99 = h.percentile(50), h.percentile(90), h.percentile(99)
	res.Max = time.Duration(h.max)
	return res
}
