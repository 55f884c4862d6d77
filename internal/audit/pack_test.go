package audit_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/note"

	"kycportal/internal/audit"
)

// TestEvidencePackVerifiesOffline: a case's events with their proofs, a document named by
// its hash and the checkpoint verify with the public key alone; one byte changed in any
// file of the pack, or another key, and it does not.
func TestEvidencePackVerifiesOffline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	key := testKey(t)
	document := []byte("the bytes of an ID card photo")
	sum := sha256.Sum256(document)
	record(t, db, 3) // other events of the log
	for _, e := range []audit.Event{
		{Action: audit.DraftCreated, EntityType: "draft", EntityID: "42"},
		{Action: audit.DocumentUploaded, EntityType: "draft", EntityID: "42", After: map[string]any{"kind": "id_front", "sha256": hex.EncodeToString(sum[:])}},
		{Action: audit.SubmissionSubmitted, EntityType: "submission", EntityID: "42", Reason: "maker"},
	} {
		if err := db.InTx(ctx, func(tx pgx.Tx) error { return audit.Record(ctx, tx, e) }); err != nil {
			t.Fatal(err)
		}
	}
	record(t, db, 2)
	sealAll(t, db, key)
	c, err := audit.LatestCheckpoint(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	p := audit.Pack{Checkpoint: c, Documents: [][]byte{document},
		Payload: fmt.Appendf(nil, `{"documents":{"id_front":%q}}`, hex.EncodeToString(sum[:]))}
	rows, err := audit.List(ctx, db.Pool, audit.Filter{Customer: "42", Limit: 100})
	if err != nil || len(rows) != 3 {
		t.Fatalf("the case's events: %d (%v), want 3", len(rows), err)
	}
	for _, r := range rows {
		proof, err := audit.Prove(ctx, db.Pool, r.ID, c)
		if err != nil {
			t.Fatal(err)
		}
		p.Events = append(p.Events, proof)
	}
	var zipped bytes.Buffer
	if err := p.Write(&zipped); err != nil {
		t.Fatal(err)
	}
	pack := zipped.Bytes()
	rep, err := audit.VerifyPack(bytes.NewReader(pack), int64(len(pack)), mustVerifier(t, key.Public()))
	if err != nil || rep.Events != 3 || rep.Documents != 1 || rep.TreeSize != 8 {
		t.Fatalf("the pack: %+v %v, want 3 events and 1 document in a tree of 8", rep, err)
	}
	if _, err := audit.VerifyPack(bytes.NewReader(pack), int64(len(pack)), testKey(t).Verifier()); err == nil {
		t.Error("the pack verified under another key")
	}
	z, err := zip.NewReader(bytes.NewReader(pack), int64(len(pack)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range z.File {
		start, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []int64{start, start + int64(f.CompressedSize64)/2, start + int64(f.CompressedSize64) - 1} {
			changed := bytes.Clone(pack)
			changed[at] ^= 0x01
			if _, err := audit.VerifyPack(bytes.NewReader(changed), int64(len(changed)), key.Verifier()); err == nil {
				t.Errorf("the pack verified with byte %d of %s changed", at, f.Name)
			}
		}
	}
}

func mustVerifier(t *testing.T, public string) note.Verifier {
	t.Helper()
	v, err := audit.PublicVerifier(public)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
