// Package e2e runs the platform packages in integrations/ inside their real
// platforms against a real hub. The tests carry the e2e build tag (`make
// e2e`, which CI runs after `make test`): they install n8n 2.8.4 once into a
// cache folder outside the repository (~5 minutes, 2.3 GB), start the
// visage-hub binary on loopback with SQLite, and drive n8n through its CLI
// and REST API. Nothing leaves 127.0.0.1.
package e2e
