package testdb

import (
	"sync"
	"testing"

	"kycportal/internal/audit"
)

var auditKey = sync.OnceValues(func() (*audit.Key, error) {
	private, err := audit.NewKey()
	if err != nil {
		return nil, err
	}
	return audit.ParseKey(private)
})

// AuditKey is the key that signs the audit log's checkpoints in this test binary: one
// key, so that whatever seals a test's log, the test verifies it with the same key.
func AuditKey(t testing.TB) *audit.Key {
	t.Helper()
	key, err := auditKey()
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// SealAudit seals every audit event waiting for the tree, under AuditKey.
func SealAudit(t testing.TB, db audit.Pool) {
	t.Helper()
	if _, err := audit.SealAll(t.Context(), db, AuditKey(t), 1000); err != nil {
		t.Fatal(err)
	}
}
