package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/documents/corpus"
	"kycportal/internal/testdb"
)

// upload is one document upload that the portal acknowledged: it must survive.
type upload struct {
	draft int64
	kind  string
}

// uploader keeps replacing the documents of open drafts until the portal stops answering,
// and remembers what it was told was stored. Its last upload is the one the kill cut off.
type uploader struct {
	agent  *browser
	base   string
	drafts []int64

	mu    sync.Mutex
	acked []upload
	lost  int // uploads the portal never answered
}

func (u *uploader) run() {
	face := corpus.File(u.agent.t, "face.jpg")
	for i := 0; ; i++ {
		up := upload{u.drafts[i%len(u.drafts)], []string{"face", "id_front", "id_back"}[i%3]}
		status := u.agent.upload(u.base, up.draft, up.kind, face)
		u.mu.Lock()
		switch status {
		case 0:
			u.lost++
		case http.StatusSeeOther:
			u.acked = append(u.acked, up)
		}
		u.mu.Unlock()
		if status == 0 {
			return
		}
	}
}

func (u *uploader) answered() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.acked)
}

// lostDocuments counts acknowledged uploads that left no row: each upload adds one, and a
// replaced document keeps its row.
func (u *uploader) lostDocuments(t *testing.T, conn *pgx.Conn) int {
	acked := map[upload]int{}
	for _, a := range u.acked {
		acked[a]++
	}
	lost := 0
	for a, n := range acked {
		rows := count(t, conn, `SELECT count(*) FROM draft_documents WHERE draft_id = $1 AND kind = $2`, a.draft, a.kind)
		lost += max(0, n-rows)
	}
	return lost
}

// approveAll approves the cases in turn until the portal stops answering, and says how many.
func approveAll(b *browser, base string, ids []int64, password string) int {
	for i, id := range ids {
		claimed, _ := b.post(fmt.Sprintf("%s/approvals/%d/claim", base, id), nil)
		approved, _ := b.post(fmt.Sprintf("%s/approvals/%d/approve", base, id), url.Values{"password": {password}})
		if claimed != http.StatusSeeOther || approved != http.StatusSeeOther {
			return i
		}
	}
	return len(ids)
}

// TestSIGKILLMidBatch kills the portal with SIGKILL while it sends approved submissions to
// the CDP and stores uploads, then starts it again on the same database: no draft and no
// acknowledged document is lost, none is half written, and the CDP creates every customer
// exactly once.
func TestSIGKILLMidBatch(t *testing.T) {
	t.Parallel()
	const n, password = 8, "sigkill pass phrase"
	stub := startCDP(t, 150*time.Millisecond)
	dsn := testdb.New(t)
	env := stub.portalEnv(dsn)
	addr := freeAddr(t)
	first := serveUntilHealthy(t, append(env, "PORTAL_ADDR="+addr), addr)
	base := "http://" + addr
	agent, supervisor := staff(t, env, base, password)
	var ids, open []int64
	var numbers []string
	for i := range n {
		numbers = append(numbers, cdptest.EmiratesID(900+i))
		ids = append(ids, agent.completeDraft(base, numbers[i]))
	}
	for i := range 3 {
		open = append(open, agent.newDraft(base, cdptest.EmiratesID(950+i)))
	}

	up := &uploader{agent: agent, base: base, drafts: open}
	var wg sync.WaitGroup
	var approved int
	wg.Go(up.run)
	wg.Go(func() { approved = approveAll(supervisor, base, ids, password) })
	waitFor(t, "sends and uploads under way", func() bool {
		onboards, _, _ := stub.counts(numbers)
		return onboards >= 2 && up.answered() >= 2
	})
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-first.done
	wg.Wait()

	conn := connect(t, dsn)
	atKill := onboarded(t, conn, ids)
	requestsAtKill, _, _ := stub.counts(numbers)
	// river would rescue the dead process's runs, and hand on its leadership, only after
	// minutes: move the runs' start back and drop the dead leader instead of waiting.
	if _, err := conn.Exec(context.Background(), `UPDATE river_job SET attempted_at = attempted_at - interval '1 hour'
		WHERE state = 'running'`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), `DELETE FROM river_leader`); err != nil {
		t.Fatal(err)
	}
	serveUntilHealthy(t, append(env, "PORTAL_ADDR="+addr), addr)
	// The session outlived the process; the approvals the kill cut short are given now.
	if rest := ids[approved:]; approveAll(supervisor, base, rest, password) != len(rest) {
		t.Fatalf("approving the %d cases left after the restart failed", len(rest))
	}
	waitFor(t, "every submission onboarded after the restart", func() bool { return onboarded(t, conn, ids) == n })

	onboards, created, notOnce := stub.counts(numbers)
	lostDrafts := len(
		ids,
	) + len(
		open,
	) - count(
		t,
		conn,
		`SELECT count(*) FROM drafts WHERE id = ANY($1)`,
		append(ids, open...),
	)
	lostDocs := up.lostDocuments(t, conn)
	// A document is stored sealed (docs/drafts.md): under the hash of its bytes, 28 bytes
	// longer than the file (nonce and tag), beside its data key.
	halfWritten := count(t, conn, `SELECT count(*) FROM draft_documents d LEFT JOIN blobs b ON b.key = d.blob_key
		WHERE b.key IS NULL OR 'sha256/' || encode(sha256(b.data), 'hex') <> d.blob_key
		OR length(b.data) <> d.size_bytes + 28
		OR NOT EXISTS (SELECT FROM document_keys k WHERE k.blob_key = d.blob_key)
		OR (d.thumb_key IS NOT NULL AND NOT EXISTS (SELECT FROM blobs t WHERE t.key = d.thumb_key))`)
	t.Logf("submitted=%d approved_before_kill=%d onboarded_at_kill=%d onboard_requests_at_kill=%d onboarded=%d "+
		"onboard_requests=%d created=%d not_created_once=%d uploads_acknowledged=%d uploads_unanswered=%d "+
		"lost_drafts=%d lost_documents=%d half_written_documents=%d", n, approved, atKill, requestsAtKill,
		onboarded(t, conn, ids), onboards, created, notOnce, up.answered(), up.lost, lostDrafts, lostDocs, halfWritten)
	if created != n || notOnce != 0 || lostDrafts != 0 || lostDocs != 0 || halfWritten != 0 {
		t.Errorf("want %d customers created once each, and nothing lost or half written", n)
	}
	if atKill == n {
		t.Errorf("every submission was onboarded before the kill: it proves nothing")
	}
}
