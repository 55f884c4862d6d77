package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAuditKeyAndLookupLimit(t *testing.T) {
	t.Parallel()
	key := strings.Repeat("k", minAuditKey)
	file := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(file, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := FromEnv(env(nil))
	if err != nil || c.AuditHMACKey != "" || c.CDPLookupLimit != 60 || c.CDPLookupWindow != time.Minute {
		t.Errorf("defaults: %+v, %v; want no key and 60 lookups a minute", c, err)
	}
	for name, vars := range map[string]map[string]string{
		"set":       {"PORTAL_AUDIT_HMAC_KEY": key},
		"from file": {"PORTAL_AUDIT_HMAC_KEY_FILE": file},
	} {
		c, err := FromEnv(env(vars))
		if err != nil || c.AuditHMACKey != key {
			t.Errorf("%s: key %q, %v", name, c.AuditHMACKey, err)
		}
	}
	c, err = FromEnv(env(map[string]string{"PORTAL_CDP_LOOKUP_LIMIT": "5", "PORTAL_CDP_LOOKUP_WINDOW": "10s"}))
	if err != nil || c.CDPLookupLimit != 5 || c.CDPLookupWindow != 10*time.Second {
		t.Errorf("limit: %d per %s, %v; want 5 per 10s", c.CDPLookupLimit, c.CDPLookupWindow, err)
	}
	for name, vars := range map[string]map[string]string{
		"too short":    {"PORTAL_AUDIT_HMAC_KEY": key[1:]},
		"both set":     {"PORTAL_AUDIT_HMAC_KEY": key, "PORTAL_AUDIT_HMAC_KEY_FILE": file},
		"no such file": {"PORTAL_AUDIT_HMAC_KEY_FILE": file + ".missing"},
		"no lookups":   {"PORTAL_CDP_LOOKUP_LIMIT": "0"},
		"no window":    {"PORTAL_CDP_LOOKUP_WINDOW": "never"},
	} {
		if _, err := FromEnv(env(vars)); err == nil || !strings.Contains(err.Error(), "PORTAL_") {
			t.Errorf("%s: err = %v, want one naming the variable", name, err)
		}
	}
}
