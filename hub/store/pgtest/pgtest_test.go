package pgtest

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(holdClusterForParent())
	}
	os.Exit(Main(m))
}

func openDB(t *testing.T, u string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func external() bool { return os.Getenv(envURL) != "" }

func TestURLGivesWorkingEmptyDatabase(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	u := URL(t)
	t.Logf("URL took %v (includes the shared cluster's start if this call came first)", time.Since(t0))
	db := openDB(t, u)

	var one int
	if err := db.QueryRow("SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
	var name string
	if err := db.QueryRow("SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(name, "t_") {
		if external() {
			t.Skipf("%s names a server where this role cannot create databases: %q is shared, not fresh", envURL, name)
		}
		t.Fatalf("database %q is not one pgtest created", name)
	}
	var tables int
	if err := db.QueryRow(`SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("fresh database has %d relations in public, want 0", tables)
	}
	if _, err := db.Exec(`CREATE TABLE items (id int PRIMARY KEY, v text NOT NULL)`); err != nil {
		t.Fatalf("CREATE TABLE: %v", err)
	}
	if _, err := db.Exec(`INSERT INTO items VALUES (1, 'héllo')`); err != nil {
		t.Fatalf("INSERT: %v", err)
	}
	var v string
	if err := db.QueryRow(`SELECT v FROM items WHERE id = 1`).Scan(&v); err != nil || v != "héllo" {
		t.Fatalf("read back %q, %v; want héllo (UTF8 round trip)", v, err)
	}
}

func TestURLDatabasesAreIsolated(t *testing.T) {
	t.Parallel()
	u1, u2 := URL(t), URL(t)
	if u1 == u2 {
		t.Skipf("%s names a server where this role cannot create databases", envURL)
	}
	db1, db2 := openDB(t, u1), openDB(t, u2)
	if _, err := db1.Exec(`CREATE TABLE only_in_one (x int)`); err != nil {
		t.Fatal(err)
	}
	exists := func(db *sql.DB) bool {
		var ok bool
		if err := db.QueryRow(`SELECT to_regclass('public.only_in_one') IS NOT NULL`).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !exists(db1) {
		t.Fatal("table missing in the database that created it")
	}
	if exists(db2) {
		t.Fatal("second database sees the first one's table")
	}
}

func TestURLCleanupDropsDatabaseEvenWhileConnected(t *testing.T) {
	t.Parallel()
	var name string
	var held *sql.DB
	t.Run("owner", func(t *testing.T) {
		var err error
		if held, err = sql.Open("postgres", URL(t)); err != nil {
			t.Fatal(err)
		}
		// held stays open past this subtest, so its cleanup must drop a
		// database that still has a client connected.
		if err := held.QueryRow("SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	if held == nil || name == "" {
		t.Fatal("subtest did not get a database")
	}
	defer held.Close()
	if external() && !strings.HasPrefix(name, "t_") {
		t.Skip("external server without CREATE DATABASE: nothing is dropped")
	}
	probe := openDB(t, URL(t))
	var n int
	if err := probe.QueryRow(`SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("database %s still exists after its test's cleanup", name)
	}
	if err := held.Ping(); err == nil {
		t.Fatalf("connection to dropped database %s still works", name)
	}
}

func TestSharedClusterIsTunedForTests(t *testing.T) {
	t.Parallel()
	if external() {
		t.Skip("settings of an external server are not ours to check")
	}
	db := openDB(t, URL(t))
	want := map[string]string{
		"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
		"max_connections": "200", "listen_addresses": "127.0.0.1",
	}
	for name, w := range want {
		var got string
		if err := db.QueryRow("SHOW " + name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Errorf("%s = %q, want %q", name, got, w)
		}
	}
}

func TestStartStopDurableCluster(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	c, err := Start(Options{Durable: true})
	if errors.Is(err, ErrNoPostgres) {
		noServer(t)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	t.Logf("Start(Durable) returned after %v: %s", time.Since(t0), c.summary())

	if err := c.CreateDB("bench"); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, c.URL("bench"))
	for name, w := range map[string]string{"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "max_connections": "200"} {
		var got string
		if err := db.QueryRow("SHOW " + name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Errorf("durable cluster: %s = %q, want %q", name, got, w)
		}
	}
	if _, err := db.Exec(`CREATE TABLE t (x int); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port))
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("running cluster not reachable on %s: %v", addr, err)
	}
	conn.Close()

	t1 := time.Now()
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("Stop took %v", time.Since(t1))
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Fatalf("port %s still accepts connections after Stop", addr)
	}
	if _, err := os.Stat(c.dir); !os.IsNotExist(err) {
		t.Errorf("run dir %s not removed: %v", c.dir, err)
	}
	if err := c.CreateDB("late"); err == nil {
		t.Error("CreateDB on a stopped cluster succeeded")
	}
}

func TestAvailableFindsServerBinaries(t *testing.T) {
	dir, ok := Available()
	if !ok {
		noServer(t)
	}
	for _, name := range []string{"initdb", "postgres"} {
		if !isExecutable(filepath.Join(dir, name)) {
			t.Errorf("Available() = %s, but %s there is not executable", dir, name)
		}
	}
}

func TestNewestFirst(t *testing.T) {
	got := newestFirst([]string{
		"/usr/lib/postgresql/9.6/bin", "/usr/lib/postgresql/15/bin",
		"/usr/lib/postgresql/12/bin", "/usr/lib/postgresql/16/bin",
	})
	want := []string{
		"/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin",
		"/usr/lib/postgresql/12/bin", "/usr/lib/postgresql/9.6/bin",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("newestFirst = %v, want %v", got, want)
	}
}

// recordingTB records Fatalf and Skip instead of stopping the test, so both
// outcomes of noServer can be checked in one run.
type recordingTB struct {
	testing.TB
	fatal, skip string
}

func (r *recordingTB) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *recordingTB) Skip(args ...any)                  { r.skip = fmt.Sprint(args...) }

func TestNoServerFailsUnderCIAndSkipsLoudlyElsewhere(t *testing.T) {
	var loud bytes.Buffer
	loudOut, loudOnce = &loud, sync.Once{} // fresh Once: -count=N reruns this test
	defer func() { loudOut = os.Stderr }()

	t.Setenv("CI", "true")
	r := &recordingTB{TB: t}
	noServer(r)
	if !strings.Contains(r.fatal, "apt-get install -y postgresql") || r.skip != "" {
		t.Errorf("CI=true: fatal %q, skip %q; want a failure naming the install command", r.fatal, r.skip)
	}

	t.Setenv("CI", "")
	r = &recordingTB{TB: t}
	noServer(r)
	if r.fatal != "" || !strings.HasPrefix(r.skip, "SKIPPING PostgreSQL tests") || !strings.Contains(r.skip, envURL) {
		t.Errorf("no CI: fatal %q, skip %q; want a loud skip naming %s", r.fatal, r.skip, envURL)
	}
	if !strings.Contains(loud.String(), "SKIPPING PostgreSQL tests") {
		t.Errorf("skip notice not printed outside -v output: %q", loud.String())
	}
}

func TestReadinessRejectsAnotherServerOnOurPort(t *testing.T) {
	t.Parallel()
	if external() {
		t.Skip("needs the shared cluster")
	}
	URL(t) // make sure the shared cluster runs
	other := shared.tg.cluster
	// A cluster that lost the race for its port: something else, here the
	// shared cluster, answers there while our own server is still starting.
	c := &Cluster{port: other.port, dataDir: "/nonexistent/data", logPath: "/nonexistent/log",
		proc: &pinned{exited: make(chan struct{})}}
	err := c.waitReady()
	if !errors.Is(err, errPortTaken) {
		t.Fatalf("waitReady against a foreign server = %v, want errPortTaken", err)
	}
	if c.admin != nil {
		t.Fatal("waitReady kept a connection to a server that is not ours")
	}
}
