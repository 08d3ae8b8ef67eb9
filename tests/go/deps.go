// Package deps names the modules the Go tests build against, so `go mod download` (run by
// tests/setup.d/50-go.sh) fetches them into the module cache before the tests run offline.
package deps

import _ "github.com/segmentio/analytics-go/v3"
