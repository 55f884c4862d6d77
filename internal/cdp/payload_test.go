package cdp_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

func TestBuildPayloadGolden(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]cdp.Customer{"onboard_ae": cdptest.AECustomer(), "onboard_my": cdptest.MYCustomer()} {
		t.Run(name, func(t *testing.T) {
			b, err := cdp.BuildPayload(c, "")
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := json.Indent(&got, b, "", "  "); err != nil {
				t.Fatal(err)
			}
			got.WriteByte('\n')
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("payload differs from %s (run go test -update to accept):\n%s", path, got.String())
			}
		})
	}
}

func TestBuildPayloadUpdateCarriesECRN(t *testing.T) {
	t.Parallel()
	b, err := cdp.BuildPayload(cdptest.AECustomer(), "7841003233051516")
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		ECRN string `json:"ecrn"`
	}
	if err := json.Unmarshal(b, &p); err != nil || p.ECRN != "7841003233051516" {
		t.Fatalf("ecrn = %q, %v; want the update's ECRN", p.ECRN, err)
	}
}
