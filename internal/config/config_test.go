package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Embedded() || c.Addr != "127.0.0.1:8080" || c.DataDir != ".data" ||
		c.SessionIdle != 30*time.Minute || c.SessionAbsolute != 12*time.Hour || c.TLS() {
		t.Errorf("defaults = %+v", c)
	}
}

func TestMalformedValuesAreNamed(t *testing.T) {
	t.Parallel()
	for name, value := range map[string]string{
		"PORTAL_ADDR":              "8080",
		"PORTAL_SESSION_IDLE":      "soon",
		"PORTAL_REQUIRE_TOTP":      "maybe",
		"PORTAL_HASH_CONCURRENCY":  "0",
		"PORTAL_LOG_LEVEL":         "loud",
		"PORTAL_TLS_CERT":          "cert.pem",
		"PORTAL_DEFAULT_TIME_ZONE": "Dubai",
	} {
		_, err := FromEnv(env(map[string]string{name: value}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: err = %v, want one naming the variable", name, value, err)
		}
	}
}

func TestDefaultTimeZone(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"PORTAL_DEFAULT_TIME_ZONE": "Asia/Dubai"}))
	if err != nil || c.TimeZone.String() != "Asia/Dubai" {
		t.Fatalf("Asia/Dubai: %v, %v", c.TimeZone, err)
	}
	if c, _ := FromEnv(env(nil)); c.TimeZone != time.UTC {
		t.Errorf("unset: %v, want UTC", c.TimeZone)
	}
}

func TestIdleLongerThanAbsoluteIsRefused(t *testing.T) {
	t.Parallel()
	_, err := FromEnv(env(map[string]string{"PORTAL_SESSION_IDLE": "13h"}))
	if err == nil {
		t.Fatal("idle timeout above the absolute one was accepted")
	}
}
