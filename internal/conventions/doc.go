// Package conventions holds no code: its tests read the Go source of cmd/ and internal/
// and hold the conventions a reader relies on (docs/architecture.md, "Conventions").
package conventions
