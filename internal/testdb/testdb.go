// Package testdb gives each test a fresh, migrated PostgreSQL database cloned from a
// template, dropped when the test ends. It talks to a real server: the one named by
// TEST_DATABASE_URL (make test starts a throwaway cluster and sets it), or else a private
// cluster it starts under the temporary folder and leaves running for the next test run.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/pgcluster"
	"kycportal/internal/store"
	"kycportal/migrations"
)

var (
	once      sync.Once
	adminURL  string
	template  string
	onceError error
	spares    = make(chan spare, spareClones)
	wanted    = make(chan struct{}, spareClones) // a clone to make ahead, for each token
	ahead     atomic.Int32                       // clones asked ahead: made, being made or wanted
)

// spareClones is the most clones made ahead of the tests that will ask for them, so that a
// test seldom waits for CREATE DATABASE. The binary makes as many as its tests show it
// needs: each clone taken asks for the next, and a test that found none ready asks for one
// more ahead. A package with one database test then makes one clone too many, where a fixed
// four ahead made five, and one of many parallel tests soon has four waiting.
const spareClones = 4

// spare is a clone made ahead, or the error that making it met.
type spare struct {
	name string
	err  error
}

// New returns the URL of a new database holding the current schema and no rows.
func New(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	name := take(t)
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, adminURL)
		if err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE %s WITH (FORCE)`, name)); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	return withDatabase(adminURL, name)
}

// take is a spare clone, made ahead.
func take(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		ctx := context.Background()
		if adminURL, template, onceError = prepare(ctx); onceError == nil {
			go makeSpares(ctx)
		}
	})
	if onceError != nil {
		t.Fatalf("testdb: %v", onceError)
	}
	var s spare
	select {
	case s = <-spares:
	default:
		if ahead.Add(1) <= spareClones {
			wanted <- struct{}{}
		} else {
			ahead.Add(-1)
		}
		s = <-spares
	}
	wanted <- struct{}{} // the next, in place of this one
	if s.err != nil {
		t.Fatalf("testdb: %v", s.err)
	}
	return s.name
}

// shared are the databases of Seeded, by key.
var shared sync.Map

type seededDB struct {
	once sync.Once
	url  string
	err  error
}

// Seeded is the URL of a database that fill seeds once for the whole test process, for the
// tests of a package that only read one large data set: the first test to ask seeds it while
// the others wait, instead of each seeding its own. It outlives the tests; like every clone
// of a process that has ended, the next test run drops it (dropOrphans).
func Seeded(t testing.TB, key string, fill func(ctx context.Context, db *store.DB) error) string {
	t.Helper()
	v, _ := shared.LoadOrStore(key, &seededDB{})
	s := v.(*seededDB)
	s.once.Do(func() {
		ctx := context.Background()
		s.url = withDatabase(adminURL, take(t))
		db, err := store.Open(ctx, s.url)
		if err != nil {
			s.err = err
			return
		}
		defer db.Close()
		s.err = fill(ctx, db)
	})
	if s.err != nil {
		t.Fatalf("testdb: seeding %s: %v", key, s.err)
	}
	return s.url
}

// AdminURL is the URL of the maintenance database of the test server.
func AdminURL(t testing.TB) string {
	t.Helper()
	New(t) // makes sure the server and template exist
	return adminURL
}

// makeSpares makes a clone ahead for each one wanted, for as long as the test binary runs.
// Their names carry the process id, so that a later run drops the spares this one left
// (dropOrphans).
func makeSpares(ctx context.Context) {
	prefix := fmt.Sprintf("test_%d_", os.Getpid())
	for range wanted {
		name := prefix + randomHex(6)
		err := clone(ctx, name)
		spares <- spare{name: name, err: err}
	}
}

func clone(ctx context.Context, name string) error {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, template)); err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	return nil
}

// dropOrphans drops the clones of test processes that have ended: the spares they made
// ahead and any database a killed test could not drop.
func dropOrphans(ctx context.Context, admin string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE datname ~ '^test_[0-9]+_'`)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, name := range names {
		pid, _ := strconv.Atoi(strings.Split(name, "_")[1])
		if syscall.Kill(pid, 0) == nil {
			continue // its process still runs: perhaps another package's tests
		}
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			return err
		}
	}
	return nil
}

func prepare(ctx context.Context) (admin, tmpl string, err error) {
	admin = os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		if admin, err = ownCluster(ctx); err != nil {
			return "", "", err
		}
	}
	if err = dropOrphans(ctx, admin); err != nil {
		return "", "", err
	}
	tmpl, err = ensureTemplate(ctx, admin)
	return admin, tmpl, err
}

// ownCluster starts (once per machine, whatever the number of test processes) a private
// cluster for tests run without make.
func ownCluster(ctx context.Context) (string, error) {
	dir := filepath.Join(os.TempDir(), "kycportal-test-cluster-"+strconv.Itoa(os.Getuid()))
	if err := os.MkdirAll(dir, 0o755); err != nil { // #nosec G301 -- the postgres user walks through it to its cluster
		return "", err
	}
	lock, err := os.OpenFile(
		dir+".lock",
		os.O_CREATE|os.O_RDWR,
		0o600,
	) // #nosec G304 -- our own folder under the temporary one
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	c, err := pgcluster.Start(ctx, dir, pgcluster.Options{Fast: true, Port: 5433})
	if err != nil {
		return "", err
	}
	return c.URL("postgres"), nil
}

// ensureTemplate creates the migrated template database once per schema version. Its name
// carries a hash of the migrations, so a changed migration never reuses a stale template.
func ensureTemplate(ctx context.Context, admin string) (string, error) {
	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "template_kyc_" + sum
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7301)`); err != nil {
		return "", err
	}
	var ready *bool
	_ = conn.QueryRow(ctx, `SELECT datistemplate FROM pg_database WHERE datname = $1`, name).Scan(&ready)
	if ready != nil && *ready {
		return name, nil
	}
	if ready != nil { // a run died half-way: start again
		if _, err := conn.Exec(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			return "", err
		}
	}
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		return "", err
	}
	if err := migrate(ctx, withDatabase(admin, name)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+name+` WITH IS_TEMPLATE true`); err != nil {
		return "", err
	}
	return name, nil
}

func migrate(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	db, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Migrate(ctx)
	return err
}

func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}

func withDatabase(u, db string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		panic(err) // the admin URL was used to connect already
	}
	parsed.Path = "/" + db
	return parsed.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Open connects to a new database made by New; the pool closes when the test ends.
func Open(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), New(t))
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}
