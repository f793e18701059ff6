package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/visage-jobs/visage-hub/hub/config"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// newDispatcher builds the webhook dispatcher from the configuration. On
// PostgreSQL it listens for the NOTIFY that committed events send, so
// every process starts delivering at once, whichever process wrote them.
func newDispatcher(cfg config.Config, st *store.Store, log *slog.Logger, reg prometheus.Registerer) (*dispatch.Dispatcher, error) {
	pol, err := ssrf.ParsePolicy(cfg.AllowPrivateTargets)
	if err != nil {
		return nil, fmt.Errorf("VISAGE_ALLOW_PRIVATE_TARGETS: %w", err)
	}
	listen := ""
	if st.Dialect() == store.Postgres {
		listen = cfg.DatabaseURL
	}
	sched := dispatch.DefaultSchedule()
	sched.Delays = append([]time.Duration(nil), cfg.Webhooks.RetrySchedule...)
	w := cfg.Webhooks
	sched.MaxRetryAfter = w.MaxRetryAfter
	return dispatch.New(st, dispatch.Options{
		Policy: pol, AttemptTimeout: w.Timeout, ConnectTimeout: w.ConnectTimeout, Schedule: sched, Lease: w.Lease, BatchSize: w.Batch,
		MaxInFlight: w.Concurrency, PerEndpoint: w.PerEndpoint, Tick: w.Poll, Retention: w.Retention,
		FailureWindow: w.DisableAfter, ListenURL: listen, Logger: log, Registerer: reg,
	}), nil
}

// runDispatch runs only the dispatcher, for deployments that scale sending
// apart from serving (serve with VISAGE_DISPATCHER=off). Any number may run
// against one PostgreSQL database; SIGINT or SIGTERM lets the attempts in
// flight finish before it exits.
func runDispatch(ctx context.Context, args []string, _ io.Writer) error {
	_, parse := newFlags("dispatch", os.Stderr)
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	log := newLogger(cfg, os.Stderr)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := newDispatcher(cfg, st, log, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	log.Info("dispatching", "database", string(st.Dialect()), "owner", d.Owner())
	return d.Run(ctx)
}
