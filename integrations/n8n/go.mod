// This file only fences the n8n package off from the Go module: npm puts Go
// sources under node_modules (flatted ships one), and without a module
// boundary here `go vet ./...` and `go test ./...` would build them.
module github.com/visage-jobs/visage-hub/integrations/n8n/npm-package

go 1.26
