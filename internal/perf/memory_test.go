package perf

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"kycportal/internal/bench"
)

// uploadsInFlight is how many uploads the memory reading sends at once.
const uploadsInFlight = 4

// uploadMemory reads the peak memory of one export and of concurrent uploads, after the
// lanes, so that nothing else runs meanwhile.
func (p *perf) uploadMemory() {
	export, err := bench.PeakRSS(func() error {
		_, err := p.send(p.ctx, p.admin, request{method: http.MethodGet,
			path: "/audit/export?branch=" + p.agents[0].Branch, want: http.StatusOK})
		return err
	})
	if err != nil {
		p.t.Fatal(err)
	}
	photo := p.photo()
	uploads := alternate(p.openDrafts(), 1)
	drafts := uploads[len(uploads)-uploadsInFlight:]
	// The requests are made before the reading starts and sent from files: the client is
	// not the portal, and bodies it held in memory would count as this process's heap,
	// which sets how much garbage the collector lets pile up before it runs.
	bodies, ctypes := make([]string, len(drafts)), make([]string, len(drafts))
	for i, d := range drafts {
		var body []byte
		body, ctypes[i] = multipartUpload(p.agentOf(d.Branch, i), photo)
		bodies[i] = filepath.Join(p.t.TempDir(), "upload")
		if err := os.WriteFile(bodies[i], body, 0o600); err != nil {
			p.t.Fatal(err)
		}
	}
	photoSize := len(photo)
	photo = nil // nor the photo itself
	peak, err := bench.PeakRSS(func() error {
		var wg sync.WaitGroup
		errs := make([]error, len(drafts))
		for i, d := range drafts {
			wg.Go(func() {
				u := p.agentOf(d.Branch, i)
				_, errs[i] = p.send(
					context.Background(),
					u,
					request{method: http.MethodPost, file: bodies[i], contentType: ctypes[i],
						path: fmt.Sprintf("/drafts/%d/documents/id_front", d.ID), want: http.StatusSeeOther},
				)
			})
		}
		wg.Wait()
		return errors.Join(errs...)
	})
	if err != nil {
		p.t.Fatal(err)
	}
	p.exportPeak = export
	p.uploadPeak = peak
	p.photoSize = photoSize
	fmt.Fprintf(p.out, "Export of branch %s: resident memory %s before, %s at the peak (+%s).\n",
		p.agents[0].Branch, bench.MiB(export.Before), bench.MiB(export.Peak), bench.MiB(export.Growth()))
	fmt.Fprintf(
		p.out,
		"%d uploads of the %s photo at once: resident memory %s before, %s at the peak (+%s, %s an upload in flight, "+
			"%.1f× the file).\n\n",
		len(drafts),
		bench.MiB(int64(photoSize)),
		bench.MiB(peak.Before),
		bench.MiB(peak.Peak),
		bench.MiB(peak.Growth()),
		bench.MiB(peak.Growth()/int64(len(drafts))),
		float64(peak.Growth())/float64(len(drafts))/float64(photoSize),
	)
}
