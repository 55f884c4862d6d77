// Package blobstest finds the S3 server of the tests: the one scripts/test.sh (and
// scripts/bench.sh) start on loopback and name in TEST_S3_ENDPOINT, TEST_S3_ACCESS_KEY and
// TEST_S3_SECRET_KEY.
package blobstest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// Server is the test S3 server and a bucket name of the caller's own.
type Server struct {
	Endpoint, AccessKey, SecretKey, Bucket string
}

// S3 returns the test S3 server with a new bucket name made from the test's. Without the
// server it skips the test, saying why, or fails it under CI, where the server must be.
func S3(t testing.TB) Server {
	t.Helper()
	endpoint := os.Getenv("TEST_S3_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_S3_ENDPOINT is not set: scripts/test.sh starts the S3 server and sets it")
		}
		t.Skip("TEST_S3_ENDPOINT is not set: make test starts an S3 server (versitygw) and sets it with " +
			"TEST_S3_ACCESS_KEY and TEST_S3_SECRET_KEY; scripts/s3-server.sh starts one by hand")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	bucket := "t-" + strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	bucket = bucket[:min(len(bucket), 40)] + "-" + hex.EncodeToString(b)
	return Server{Endpoint: endpoint, AccessKey: os.Getenv("TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("TEST_S3_SECRET_KEY"), Bucket: bucket}
}
