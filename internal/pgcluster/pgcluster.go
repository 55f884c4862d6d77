// Package pgcluster runs a private PostgreSQL cluster owned by the project: the embedded
// default of `make run` and the throwaway server of the tests. It never touches a system
// cluster: data, socket and log live under one folder of its own.
package pgcluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Options tune a cluster. Fast turns off durability: for tests only.
type Options struct {
	Port     int // socket name suffix; the cluster listens on its own socket only, no TCP
	Fast     bool
	Settings []string // more server settings, "name=value" each (the benchmarks' memory)
}

// Cluster is a running private cluster.
type Cluster struct {
	Dir     string // holds data/, socket/ and postgres.log
	Started bool   // this call started the server (it was not running before)
	port    int
	bin     string
	asUser  []string // command prefix that runs a binary as the cluster's owner
}

// maxSocketPath is the kernel's sun_path limit (108) less the terminating NUL.
const maxSocketPath = 107

// Start initialises the cluster under dir on first use and starts it unless it already runs.
// When dir is not reachable by the postgres user (root's home is closed to others), the
// cluster moves to a folder under /tmp named after dir, so the same dir always maps to
// the same cluster.
func Start(ctx context.Context, dir string, opt Options) (*Cluster, error) {
	if opt.Port == 0 {
		opt.Port = 5432
	}
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	c := &Cluster{Dir: abs, port: opt.Port, bin: bin}
	if os.Geteuid() == 0 {
		c.asUser = []string{"/usr/sbin/runuser", "-u", "postgres", "--"}
		if err := c.placeForPostgres(ctx); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if err := c.own(c.Dir); err != nil {
		return nil, err
	}
	if err := c.initOnce(ctx); err != nil {
		return nil, err
	}
	if c.running(ctx) {
		return c, nil
	}
	c.Started = true
	return c, c.start(ctx, opt)
}

// EnsureDatabase creates database name unless it exists.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database
		WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}

// placeForPostgres moves the cluster under /tmp when postgres cannot walk to dir, or when
// the socket path would be too long.
func (c *Cluster) placeForPostgres(ctx context.Context) error {
	parent := filepath.Dir(c.Dir)
	if err := os.MkdirAll(parent, 0o755); err != nil { // #nosec G301 -- the postgres user walks through it to its cluster
		return fmt.Errorf("pgcluster: %w", err)
	}
	walkable := exec.CommandContext(ctx, c.asUser[0], append(c.asUser[1:], "test", "-x", parent)...).
		Run() ==
		nil // #nosec G204 -- fixed programs, no shell
	if walkable && len(c.socketPath()) <= maxSocketPath {
		return nil
	}
	sum := sha256.Sum256([]byte(c.Dir))
	c.Dir = filepath.Join(os.TempDir(), "kycportal-pg-"+hex.EncodeToString(sum[:6]))
	return nil
}

func (c *Cluster) dataDir() string   { return filepath.Join(c.Dir, "data") }
func (c *Cluster) socketDir() string { return filepath.Join(c.Dir, "socket") }
func (c *Cluster) socketPath() string {
	return filepath.Join(c.socketDir(), ".s.PGSQL."+strconv.Itoa(c.port))
}

// own hands a folder to the postgres user when we run as root.
func (c *Cluster) own(path string) error {
	if c.asUser == nil {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("pgcluster: the postgres user is needed to run a cluster as root: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}

func (c *Cluster) initOnce(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err == nil {
		return nil
	}
	if err := os.MkdirAll(c.socketDir(), 0o700); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if err := c.own(c.socketDir()); err != nil {
		return err
	}
	return c.run(ctx, "initdb", "-D", c.dataDir(), "-U", "postgres", "--auth=trust",
		"--locale=C.UTF-8", "-E", "UTF8", "--no-instructions")
}

func (c *Cluster) running(ctx context.Context) bool {
	return c.run(ctx, "pg_ctl", "-D", c.dataDir(), "status") == nil
}

func (c *Cluster) start(ctx context.Context, opt Options) error {
	// The socket folder is 0700 and owned by the cluster's user: trust auth on the socket
	// admits only that user and root. No TCP listener at all.
	settings := fmt.Sprintf("-k %s -p %d -c listen_addresses=''", c.socketDir(), c.port)
	if opt.Fast {
		settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	for _, kv := range opt.Settings {
		settings += " -c " + kv
	}
	err := c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-l", filepath.Join(c.Dir, "postgres.log"),
		"-o", settings, "-w", "-t", "60", "start")
	if err != nil {
		return fmt.Errorf("%w (see %s)", err, filepath.Join(c.Dir, "postgres.log"))
	}
	return nil
}

// Stop shuts the cluster down, finishing in-flight work first.
func (c *Cluster) Stop(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "-D", c.dataDir(), "-m", "fast", "-w", "stop")
}

// URL is a connection string for database db as the cluster's superuser.
func (c *Cluster) URL(db string) string {
	q := url.Values{"host": {c.socketDir()}, "port": {strconv.Itoa(c.port)}, "sslmode": {"disable"}}
	return (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/" + db, RawQuery: q.Encode()}).String()
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	argv := append(append([]string{}, c.asUser...), append([]string{filepath.Join(c.bin, name)}, args...)...)
	// #nosec G204 -- PostgreSQL's own programs from its bin folder, no shell
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = os.TempDir() // postgres cannot always read our working folder
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgcluster: %s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// binDir finds the newest installed PostgreSQL server binaries.
func binDir() (string, error) {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("pgcluster: no PostgreSQL server binaries found (install postgresql, or set PG_BINDIR)")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}
