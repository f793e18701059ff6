// Package hub is the domain of visage-hub: the types every adapter speaks
// (accounts, keys, jobs, candidates, events, webhooks, deliveries) and the
// error codes they return. It has no HTTP framework and no SQL in it, so the
// rules it states hold the same behind the REST API, the CLI and the
// dispatcher. Adapters live in sub-packages (store, httpapi, dispatch).
package hub
