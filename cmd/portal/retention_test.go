package main

import (
	"strings"
	"testing"

	"kycportal/internal/testdb"
)

func TestRetentionCommands(t *testing.T) {
	t.Parallel()
	env := []string{"DATABASE_URL=" + testdb.New(t)}
	out, code := portal(t, env, "", "retention", "purge", "--dry-run")
	if code != 0 || !strings.Contains(out, "would remove 0 discarded draft(s)") ||
		!strings.Contains(out, "audit 1827 days") {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	out, code = portal(t, append(env, "PORTAL_RETAIN_AUDIT_DAYS=90"), "", "retention", "purge")
	if code == 0 || !strings.Contains(out, "below the minimum") {
		t.Errorf("a 90-day audit retention was accepted: exit %d\n%s", code, out)
	}
	out, code = portal(t, env, "", "retention", "hold", "--country", "ae", "--id-type", "4",
		"--id-number", "784-1990-1234567-6", "--reason", "court order 7", "--by", "compliance")
	if code != 0 || !strings.Contains(out, "legal hold 1 placed") {
		t.Fatalf("hold: exit %d\n%s", code, out)
	}
	out, _ = portal(t, env, "", "retention", "holds")
	if !strings.Contains(out, "…5676") || strings.Contains(out, "784199012345676") ||
		!strings.Contains(out, "court order 7") {
		t.Errorf("holds list:\n%s", out)
	}
	if out, code := portal(t, env, "", "retention", "release", "1"); code != 2 {
		t.Errorf("release without a reason: exit %d\n%s", code, out)
	}
	if out, code := portal(t, env, "", "retention", "release", "--reason", "closed", "1"); code != 0 {
		t.Errorf("release: exit %d\n%s", code, out)
	}
	if out, _ := portal(t, env, "", "retention", "holds"); strings.Contains(out, "court order 7") {
		t.Errorf("released hold still listed:\n%s", out)
	}
}
