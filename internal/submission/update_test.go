package submission

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/payload"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files from the current output")

// foundCustomer is the sandbox's demo customer that a lookup finds, and its ECRN.
const (
	foundNumber = "784199012345676"
	foundECRN   = "7841003233051516"
)

// renewal starts an update case of the sandbox's found customer from its CDP record, with a
// renewed Emirates ID: new expiry, new front and back.
func (e *env) renewal(client *cdp.Client) int64 {
	e.t.Helper()
	ctx := context.Background()
	found := client.Lookup(ctx, "4", foundNumber)
	if found.Outcome != cdp.Found {
		e.t.Fatalf("lookup of the demo customer: %s", found.Outcome)
	}
	id, err := e.svc.Drafts.StartUpdate(ctx, e.agent, drafts.NewDraft{Country: "AE", IDType: "4", IDNumber: foundNumber},
		foundECRN, RecordFields(found.Customer))
	if err != nil {
		e.t.Fatal(err)
	}
	values := cdptest.AEDraftValues()
	maps.Copy(values, RecordFields(found.Customer)) // the agent keeps what the CDP has
	values["date_of_expiry"] = "2031-06-30"
	saved, err := e.svc.Drafts.Save(ctx, e.agent, id, 1, values)
	if err != nil || len(saved.Refused) > 0 {
		e.t.Fatalf("save the renewal: %v %v", err, saved.Refused)
	}
	for kind, f := range map[string]*payload.File{packs.DocIDFront: cdptest.JPEG("renewed front"),
		packs.DocIDBack: cdptest.JPEG("renewed back"), packs.DocFace: cdptest.JPEG("face")} {
		e.document(id, kind, f)
	}
	return id
}

// TestUpdateCaseSendsUpdate: an update case started from a found customer shows what it
// changes, goes out as the CDP's update call under the customer's ECRN, and ends "updated".
func TestUpdateCaseSendsUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	id := e.renewal(cdpSrv.client)
	ctx := context.Background()
	d, err := e.svc.Drafts.View(ctx, e.agent, id)
	if err != nil {
		t.Fatal(err)
	}
	var changed []string
	for _, ch := range drafts.Changes(d) {
		changed = append(changed, ch.Field)
	}
	if !strings.Contains(strings.Join(changed, ","), "date_of_expiry") {
		t.Errorf("changes %q, want the ID's expiry", changed)
	}
	if again, err := e.svc.Drafts.StartUpdate(ctx, e.agent, drafts.NewDraft{Country: "AE", IDType: "4", IDNumber: foundNumber},
		foundECRN, nil); err != nil ||
		again != id {
		t.Errorf("a second start: case %d (%v), want the open one %d", again, err, id)
	}
	if err := e.svc.Submit(ctx, e.agent, id); err != nil {
		t.Fatal(err)
	}
	e.startWorker(cdpSrv.client)
	s := e.settled([]int64{id})[id]
	sub := e.submission(id)
	if s != Onboarded || sub.Kind != KindUpdate || sub.ECRN != foundECRN {
		t.Fatalf("state %s, kind %s, ECRN %s; want onboarded, update, %s", s, sub.Kind, sub.ECRN, foundECRN)
	}
	after := cdpSrv.client.Lookup(ctx, "4", foundNumber)
	if after.ECRN != foundECRN || !strings.HasPrefix(after.Customer.IDDateOfExpiry, "2031-06-30") {
		t.Errorf("the CDP after the update: ECRN %s, ID expiry %q; want the same customer, renewed", after.ECRN,
			after.Customer.IDDateOfExpiry)
	}
	inbox, _ := e.svc.Inbox(ctx, e.agent)
	if len(inbox) != 1 || inbox[0].Kind != NoticeUpdated {
		t.Errorf("inbox %+v, want one 'updated' notice", inbox)
	}
}

// TestUpdatePayloadGolden: what an update case sends, built as the worker builds it, against
// testdata/update_ae.golden.json (go test -update rewrites it).
func TestUpdatePayloadGolden(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	id := e.renewal(cdpSrv.client)
	d, err := e.svc.Drafts.Pinned(context.Background(), e.db.Pool, id)
	if err != nil {
		t.Fatal(err)
	}
	body, err := e.svc.Payload(context.Background(), d) // the worker's own payload of a draft
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(body.WithECRN(d.UpdateECRN), "", "  ") // as Client.Update sends it
	if err != nil {
		t.Fatal(err)
	}
	got := bytes.NewBuffer(append(b, '\n'))
	path := filepath.Join("testdata", "update_ae.golden.json")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("the update payload differs from %s (go test -update accepts it):\n%s", path, got.String())
	}
}
