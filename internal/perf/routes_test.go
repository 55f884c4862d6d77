package perf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/bench"
	"kycportal/internal/cdp"
	"kycportal/internal/documents"
	"kycportal/internal/drafts"
	"kycportal/internal/search"
	"kycportal/internal/session"
	"kycportal/internal/store"
)

// The routes measured.
const (
	routeExactID  = "exact-ID search (POST /search)"
	routeName     = "name-prefix search (POST /search/records)"
	routeAutosave = "draft autosave (POST /drafts/:id)"
	routeAudit    = "audit page, two filters (GET /audit)"
	routeExport   = "CSV export (GET /audit/export)"
	routeUpload   = "5 MB photo upload (POST …/documents/id_front)"
	routeScaled   = "browser-sized photo upload (POST …/documents/id_front)"
	routePGBlob   = "document write + read, PostgreSQL"
	routeS3Blob   = "document write + read, S3"
)

// lanes measures every page route beside its floors and writes the table.
func (p *perf) lanes() {
	p.run([]bench.Route{p.exactID(), p.namePrefix(), p.autosave(), p.auditPage(), p.export()})
}

// run measures routes, interleaved, and writes their table.
func (p *perf) run(routes []bench.Route) {
	res, err := bench.Run(p.ctx, routes, bench.CPUMeter{Postmaster: p.postmaster})
	if err != nil {
		p.t.Fatal(err)
	}
	p.results = append(p.results, res...)
	fmt.Fprint(p.out, "\n")
	bench.Table(p.out, res)
	fmt.Fprint(p.out, "\n")
	for _, r := range res {
		if r.N != p.cfg.rounds[r.Route] {
			p.t.Errorf("%s, %s: %d rounds measured, want %d", r.Route, r.Lane, r.N, p.cfg.rounds[r.Route])
		}
	}
}

// route is a route of cfg's rounds; a quarter of them, or two, warm it up first.
func (p *perf) route(name string, lanes ...bench.Lane) bench.Route {
	n := p.cfg.rounds[name]
	return bench.Route{Name: name, Warmup: max(min(n/4, p.cfg.warmup), 1), Rounds: n, Lanes: lanes}
}

// request is one request of a lane, as a browser (or htmx) sends it.
type request struct {
	method, path string
	form         url.Values // posted urlencoded, with the CSRF token in htmx's header
	body         []byte     // else posted as is, with contentType
	file         string     // or read from this file as it is sent, so that the client holds none of it
	contentType  string
	want         int
}

// send makes r as u and returns the lines of the answer, which it reads whole.
func (p *perf) send(ctx context.Context, u *perfUser, r request) (int64, error) {
	body, ctype := io.Reader(bytes.NewReader(r.body)), r.contentType
	if r.form != nil {
		body, ctype = bytes.NewBufferString(r.form.Encode()), "application/x-www-form-urlencoded"
	}
	size := int64(len(r.body))
	if r.file != "" {
		f, err := os.Open(r.file)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return 0, err
		}
		body, size = f, st.Size()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, p.base+r.path, body)
	if err != nil {
		return 0, err
	}
	if r.form == nil {
		req.ContentLength = size
	}
	req.AddCookie(&http.Cookie{Name: session.CookieName, Value: u.cookie})
	req.Header.Set("HX-Request", "true")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if r.form != nil {
		req.Header.Set("X-CSRF-Token", u.csrf)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var lines lineCount
	if _, err := io.Copy(&lines, resp.Body); err != nil {
		return 0, err
	}
	if resp.StatusCode != r.want {
		return 0, fmt.Errorf("%s %s: status %d, want %d", r.method, r.path, resp.StatusCode, r.want)
	}
	return int64(lines), nil
}

type lineCount int64

func (n *lineCount) Write(b []byte) (int, error) {
	*n += lineCount(bytes.Count(b, []byte{'\n'}))
	return len(b), nil
}

// lane is a lane that sends one request as the round's user.
func (p *perf) lane(name string, who func() *perfUser, r func() request) bench.Lane {
	return bench.Lane{Name: name, Op: func(ctx context.Context) error {
		_, err := p.send(ctx, who(), r())
		return err
	}}
}

// renderLane renders a component into a buffer, as render does.
func renderLane(comp templ.Component) bench.Lane {
	return bench.Lane{Name: bench.F1, Op: func(ctx context.Context) error {
		var buf bytes.Buffer
		return comp.Render(ctx, &buf)
	}}
}

// sessionCookie is u's session cookie, with which the floors find their session.
func (u *perfUser) sessionCookie() *http.Cookie {
	return &http.Cookie{Name: session.CookieName, Value: u.cookie}
}

// as is ctx with u as the audit actor, as the middleware sets it.
func (u *perfUser) as(ctx context.Context) context.Context {
	return audit.WithActor(ctx, audit.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, Branch: u.Branch})
}

// agentOf is the signed-in agent of a branch, the second one on odd turns.
func (p *perf) agentOf(branch string, turn int) *perfUser {
	var of []*perfUser
	for _, a := range p.agents {
		if a.Branch == branch {
			of = append(of, a)
		}
	}
	return of[turn%len(of)]
}

// rotation hands out samples in turn: the first lane of a round moves it on, and the
// round's other lanes work on the same sample.
type rotation[T any] struct {
	list []T
	cur  T
	turn int
}

func newRotation[T any](list []T) *rotation[T] { return &rotation[T]{list: list, cur: list[0]} }

func (r *rotation[T]) next() T {
	r.cur, r.turn = r.list[r.turn%len(r.list)], r.turn+1
	return r.cur
}

// drafter is the signed-in agent of the current draft's branch.
func (p *perf) drafter(r *rotation[store.DraftRow]) func() *perfUser {
	return func() *perfUser { return p.agentOf(r.cur.Branch, r.turn) }
}

// sampleDrafts are drafts of the signed-in agents' branches spread over the whole table,
// with their branch, document, first name and version; status "" takes any.
func (p *perf) sampleDrafts(status string, n int) []store.DraftRow {
	branches := map[string]bool{}
	for _, a := range p.agents {
		branches[a.Branch] = true
	}
	var names []string
	for b := range branches {
		names = append(names, b)
	}
	rows, err := p.db.Pool.Query(p.ctx, `SELECT id, branch, country, id_type, id_number, values->>'first_name', version
		FROM drafts WHERE branch = ANY($1) AND ($2 = '' OR status = $2) AND values ? 'first_name'
		AND id IN (SELECT generate_series(min(id), max(id), greatest(1, (max(id) - min(id)) / ($3 * 40))) FROM drafts)
		ORDER BY id * 2654435761 % 4294967296 LIMIT $3`, names, status, n) // a fixed shuffle of the spread
	if err != nil {
		p.t.Fatal(err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.DraftRow, error) {
		d := store.DraftRow{Values: map[string]string{}}
		var first string
		err := r.Scan(&d.ID, &d.Branch, &d.Country, &d.IDType, &d.IDNumber, &first, &d.Version)
		d.Values["first_name"] = first
		return d, err
	})
	if err != nil || len(list) == 0 {
		p.t.Fatalf("no %s drafts to sample (%v)", status, err)
	}
	return list
}

// instantCDP answers every lookup at once with "not found", as the sandbox does for the
// documents searched: F0 keeps the database work of a search and leaves the CDP out.
type instantCDP struct{}

func (instantCDP) Lookup(context.Context, string, string) cdp.Result {
	return cdp.Result{Outcome: cdp.NotFound, Status: http.StatusOK, Code: 45001}
}

func (instantCDP) GetCustomer(context.Context, string) cdp.Result {
	return cdp.Result{Outcome: cdp.NotFound, Status: http.StatusOK, Code: 45001}
}

func (p *perf) exactID() bench.Route {
	r := newRotation(p.sampleDrafts("", 500))
	floor := *p.app.Search
	floor.CDP = instantCDP{}
	who := p.drafter(r)
	doc := func() search.Document {
		d := r.cur
		return search.Document{Country: d.Country, IDType: d.IDType, IssuedCountry: d.Country, Number: d.IDNumber}
	}
	form := func(path string) func() request {
		return func() request {
			return request{method: http.MethodPost, path: path, want: http.StatusOK,
				form: url.Values{"country": {r.cur.Country}, "id_type": {r.cur.IDType}, "id_number": {r.cur.IDNumber}}}
		}
	}
	return p.route(routeExactID,
		bench.Lane{Name: bench.F0, Op: func(ctx context.Context) error {
			r.next()
			_, err := floor.ByID(who().as(ctx), who().User, doc())
			return err
		}},
		renderLane(p.idSearchView(&floor, who(), doc())),
		p.lane(bench.F2, who, form("/floor/agent")),
		p.lane(bench.Full, who, form("/search")))
}

// idSearchView is the view model searchByID builds for a document the CDP does not know.
func (p *perf) idSearchView(floor *search.Service, u *perfUser, doc search.Document) templ.Component {
	found, err := floor.ByID(u.as(p.ctx), u.User, doc)
	if err != nil {
		p.t.Fatal(err)
	}
	view, err := p.floors.IDSearchView(u.sessionCookie(), u.User, doc, found)
	if err != nil {
		p.t.Fatal(err)
	}
	return view
}

func (p *perf) namePrefix() bench.Route {
	r := newRotation(p.sampleDrafts("", 500))
	who := p.drafter(r)
	prefix := func() string { // 2 to 4 letters of the first name, as agents type
		name := []rune(r.cur.Values["first_name"])
		return string(name[:min(len(name), 2+r.turn%3)])
	}
	form := func(path string) func() request {
		return func() request {
			return request{method: http.MethodPost, path: path, want: http.StatusOK,
				form: url.Values{"by": {search.ByName}, "q": {prefix()}}}
		}
	}
	records := func(ctx context.Context) (search.Page, error) {
		q, err := search.ParseQuery(search.ByName, prefix())
		if err != nil {
			return search.Page{}, err
		}
		return p.app.Search.Records(who().as(ctx), who().User, q, store.NameCursor{})
	}
	page, err := records(p.ctx)
	if err != nil {
		p.t.Fatal(err)
	}
	view, err := p.floors.RecordsView(who().sessionCookie(), who().User, search.ByName, prefix(), page)
	if err != nil {
		p.t.Fatal(err)
	}
	return p.route(routeName,
		bench.Lane{Name: bench.F0, Op: func(ctx context.Context) error {
			r.next()
			_, err := records(ctx)
			return err
		}},
		renderLane(view),
		p.lane(bench.F2, who, form("/floor/agent")),
		p.lane(bench.Full, who, form("/search/records")))
}

// autosave changes one field of an open draft per round, as htmx posts it: F0 and FULL
// each save a new value, with the version the page would hold.
func (p *perf) autosave() bench.Route {
	r := newRotation(alternate(p.openDrafts(), 0))
	versions := map[int64]int{}
	for _, d := range r.list {
		versions[d.ID] = d.Version
	}
	who := p.drafter(r)
	form := func(full bool) func() request {
		return func() request {
			v := versions[r.cur.ID]
			req := request{method: http.MethodPost, path: "/floor/agent", want: http.StatusOK,
				form: url.Values{"version": {strconv.Itoa(v)}, "current_city": {newCity(v)}}}
			if full {
				req.path = fmt.Sprintf("/drafts/%d", r.cur.ID)
				versions[r.cur.ID]++
			}
			return req
		}
	}
	save := func(ctx context.Context) (drafts.Saved, error) {
		id, v := r.cur.ID, versions[r.cur.ID]
		res, err := p.app.Drafts.Save(who().as(ctx), who().User, id, v, map[string]string{"current_city": newCity(v)})
		if err == nil && len(res.Changed) != 1 {
			err = fmt.Errorf(
				"draft %d: the save changed %v (conflicts %v, refused %v)",
				id,
				res.Changed,
				res.Conflicts,
				res.Refused,
			)
		}
		versions[id] = res.Draft.Version
		return res, err
	}
	res, err := save(p.ctx)
	if err != nil {
		p.t.Fatal(err)
	}
	view, err := p.floors.AutosaveView(
		p.ctx,
		res,
		map[string]string{"current_city": res.Draft.Values["current_city"]},
		"addresses",
	)
	if err != nil {
		p.t.Fatal(err)
	}
	return p.route(routeAutosave,
		bench.Lane{Name: bench.F0, Op: func(ctx context.Context) error {
			r.next()
			_, err := save(ctx)
			return err
		}},
		renderLane(view),
		p.lane(bench.F2, who, form(false)),
		p.lane(bench.Full, who, form(true)))
}

// newCity is the value an autosave of a draft at version v posts: each save, which adds one
// to the version, posts the other city, so every save changes the draft. The seed uses
// neither.
func newCity(v int) string { return []string{"Khor Fakkan", "Fujairah"}[v%2] }

// openDrafts are open drafts to change: autosave takes every other one, upload the rest.
func (p *perf) openDrafts() []store.DraftRow {
	if p.open == nil {
		p.open = p.sampleDrafts("open", 4000)
	}
	return p.open
}

// alternate is every other element of list, from the first or the second.
func alternate[T any](list []T, from int) []T {
	var out []T
	for i := from; i < len(list); i += 2 {
		out = append(out, list[i])
	}
	return out
}

// auditQuery is a review of the trail with two filters, and what the handler makes of it.
type auditQuery struct {
	u      *perfUser
	query  string
	filter audit.Filter
	view   templ.Component
}

// auditQueries are the reviews measured, in turn: an agent's drafts, a branch's refusals,
// a day of submissions (admin), and a supervisor's look at one customer's drafts.
func (p *perf) auditQueries() []auditQuery {
	agent, day := p.agents[0], time.Date(2025, 6, 17, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	customer := p.sampleDrafts("", 1)[0].ID
	queries := []auditQuery{
		{u: p.admin, query: url.Values{"agent": {agent.Username}, "group": {"drafts"}}.Encode()},
		{u: p.admin, query: url.Values{"branch": {agent.Branch}, "outcome": {audit.Denied}}.Encode()},
		{u: p.admin, query: url.Values{"group": {"submissions"}, "from": {day}, "to": {day}}.Encode()},
		{u: p.super, query: url.Values{"customer": {strconv.FormatInt(customer, 10)}, "group": {"drafts"}}.Encode()},
	}
	for i, q := range queries {
		target := "/audit?" + q.query
		f, err := p.floors.AuditFilter(q.u.sessionCookie(), q.u.User, target)
		if err != nil {
			p.t.Fatal(err)
		}
		rows, err := p.listAudit(q.u.as(p.ctx), f)
		if err != nil {
			p.t.Fatal(err)
		}
		queries[i].filter = f
		if queries[i].view, err = p.floors.AuditView(q.u.sessionCookie(), q.u.User, target, rows); err != nil {
			p.t.Fatal(err)
		}
	}
	return queries
}

// listAudit is the SQL auditList runs: the page with its audit event, then the banner's
// last verification.
func (p *perf) listAudit(ctx context.Context, f audit.Filter) ([]audit.Row, error) {
	var rows []audit.Row
	err := audit.Apply(ctx, p.db.Pool, func(tx pgx.Tx) (audit.Event, error) {
		var err error
		rows, err = audit.List(ctx, tx, f)
		return audit.Event{Action: audit.AuditViewed, EntityType: "audit", EntityID: "list"}, err
	})
	if err == nil {
		_, err = audit.LastVerification(ctx, p.db.Pool, f.Branch)
	}
	if errors.Is(err, audit.ErrNotFound) {
		err = nil
	}
	return rows, err
}

func (p *perf) auditPage() bench.Route {
	r := newRotation(p.auditQueries())
	who := func() *perfUser { return r.cur.u }
	get := func(path string) func() request {
		return func() request {
			return request{method: http.MethodGet, path: path + "?" + r.cur.query, want: http.StatusOK}
		}
	}
	return p.route(routeAudit,
		bench.Lane{Name: bench.F0, Op: func(ctx context.Context) error {
			r.next()
			_, err := p.listAudit(r.cur.u.as(ctx), r.cur.filter)
			return err
		}},
		bench.Lane{Name: bench.F1, Op: func(ctx context.Context) error {
			var buf bytes.Buffer
			return r.cur.view.Render(ctx, &buf)
		}},
		p.lane(bench.F2, who, get("/floor/reviewer")),
		p.lane(bench.Full, who, get("/audit")))
}

// export streams one branch's whole trail as CSV (the admin's view, unmasked IDs off).
// The render floor of a stream is not one component, so the route has no F1.
func (p *perf) export() bench.Route {
	query := url.Values{"branch": {p.agents[0].Branch}}.Encode()
	f, err := p.floors.AuditFilter(p.admin.sessionCookie(), p.admin.User, "/audit/export?"+query)
	if err != nil {
		p.t.Fatal(err)
	}
	f.Limit = 0
	get := func(path string) func() request {
		return func() request { return request{method: http.MethodGet, path: path + "?" + query, want: http.StatusOK} }
	}
	who := func() *perfUser { return p.admin }
	return p.route(routeExport,
		bench.Lane{Name: bench.F0, Op: func(ctx context.Context) error {
			p.exportRows = 0
			return audit.Each(ctx, p.db.Pool, f, func(audit.Row) error { p.exportRows++; return nil })
		}},
		p.lane(bench.F2, who, get("/floor/reviewer")),
		bench.Lane{Name: bench.Full, Op: func(ctx context.Context) error {
			lines, err := p.send(ctx, p.admin, get("/audit/export")())
			if err == nil && lines-1 != p.exportRows {
				err = fmt.Errorf("export: %d rows, the database holds %d", lines-1, p.exportRows)
			}
			return err
		}})
}

// photo is the upload: a photo of cfg's size, about 5 MB at 4000×3000.
func (p *perf) photo() []byte { return bench.Photo(p.cfg.photoPixels[0], p.cfg.photoPixels[1]) }

// multipartUpload is an upload as the browser sends it: the token first, then the file.
func multipartUpload(u *perfUser, data []byte) ([]byte, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", u.csrf)
	part, _ := w.CreateFormFile("file", "id-front.jpg")
	_, _ = part.Write(data)
	_ = w.Close()
	return body.Bytes(), w.FormDataContentType()
}

// browserPhoto is the photo as portal.js sends it: scaled to the stored size.
func (p *perf) browserPhoto() []byte {
	w, h := p.cfg.photoPixels[0], p.cfg.photoPixels[1]
	if long := max(w, h); long > documents.StoredEdge {
		w, h = w*documents.StoredEdge/long, h*documents.StoredEdge/long
	}
	return bench.Photo(w, h)
}

func (p *perf) upload(name string, photo []byte) bench.Route {
	r := newRotation(alternate(p.openDrafts(), 1))
	prepared, err := documents.Prepare("id_front", bytes.NewReader(photo))
	if err != nil {
		p.t.Fatal(err)
	}
	who := p.drafter(r)
	post := func(path string, want int) request {
		body, ctype := multipartUpload(who(), photo)
		return request{method: http.MethodPost, path: path, body: body, contentType: ctype, want: want}
	}
	return p.route(name,
		bench.Lane{Name: bench.F0, Op: func(ctx context.Context) error {
			r.next()
			return p.storeBlobs(ctx, prepared)
		}},
		bench.Lane{Name: "F1 validate + re-encode", Op: func(context.Context) error {
			_, err := documents.Prepare("id_front", bytes.NewReader(photo))
			return err
		}},
		p.lane(bench.F2, who, func() request { return post("/floor/upload", http.StatusOK) }),
		p.lane(bench.Full, who, func() request {
			return post(fmt.Sprintf("/drafts/%d/documents/id_front", r.cur.ID), http.StatusSeeOther)
		}))
}

// storeBlobs writes a prepared photo and its thumbnail as an upload does, and rolls back:
// the database floor of storing it.
func (p *perf) storeBlobs(ctx context.Context, prepared documents.Prepared) error {
	tx, err := p.db.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	for i, data := range [][]byte{prepared.Data, prepared.Thumb} {
		if err := (store.PGBlobs{}).Put(ctx, tx, fmt.Sprintf("floor/%d/%d", time.Now().UnixNano(), i), data); err != nil {
			return err
		}
	}
	return nil
}
