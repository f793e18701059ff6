package pgtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	dirPrefix = "visage-pgtest-" // run directories under the temp dir
	lockName  = "owner.lock"     // flock held by the owning test binary
)

// initdbArgs are fixed so a cached template stays valid: trust auth on
// loopback (throwaway data), a known superuser name, and the C locale so
// sorting does not depend on the machine. --no-sync because the directory
// is discarded; it does not change what the server later does.
var initdbArgs = []string{"--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-locale", "--no-sync"}

// runAs returns the credential children run under: nobody when we are
// root, because initdb and postgres refuse to run as root; nil otherwise.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("running as root needs user nobody for postgres: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("uid of nobody: %w", err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("gid of nobody: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// baseDir picks where run directories go: memory for throwaway clusters
// (see memoryDir); the temp dir for durable ones, where fsync must reach a
// disk for benchmark figures to mean anything; /tmp if we are root and
// nobody could not reach into the temp dir (say TMPDIR=/root/tmp).
func baseDir(cred *syscall.Credential, durable bool) string {
	if !durable {
		if d := memoryDir(); d != "" {
			return d
		}
	}
	d := os.TempDir()
	if cred == nil || traversable(d) {
		return d
	}
	return "/tmp"
}

func traversable(dir string) bool {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil || st.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

// makeRunDir creates the cluster's private directory (data, log, socket)
// and takes the owner lock before anything else goes in, so sweepStale in
// another binary can tell a live cluster from a dead one's leftovers.
func makeRunDir(base string, cred *syscall.Credential) (string, *os.File, error) {
	dir, err := os.MkdirTemp(base, dirPrefix+"*")
	if err != nil {
		return "", nil, fmt.Errorf("create run dir: %w", err)
	}
	lock, err := holdLock(dir)
	if err == nil && cred != nil {
		err = os.Chown(dir, int(cred.Uid), int(cred.Gid))
	}
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, lock, nil
}

// holdLock locks the file under a temporary name and only then renames it
// into place, so no sweeper ever sees an unlocked owner.lock of a live run.
// The descriptor is close-on-exec, so postgres does not inherit the lock.
func holdLock(dir string) (*os.File, error) {
	tmp := filepath.Join(dir, lockName+".new")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create owner lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, lockName)); err != nil {
		f.Close()
		return nil, fmt.Errorf("publish owner lock: %w", err)
	}
	return f, nil
}

// sweepStale removes run directories whose owner died without cleaning up
// (go test -timeout, kill -9): the kernel drops a dead process's flock, so
// a lock we can take means nobody owns the directory any more. Each holds
// a ~40 MB data directory, so they would otherwise pile up in /tmp.
func sweepStale(base string) (removed []string) {
	dirs, _ := filepath.Glob(filepath.Join(base, dirPrefix+"*"))
	for _, d := range dirs {
		f, err := os.Open(filepath.Join(d, lockName))
		if err != nil {
			continue // not ours, or still being created
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			if os.RemoveAll(d) == nil {
				removed = append(removed, d)
			}
		}
		f.Close()
	}
	return removed
}

// prepareData fills dataDir with a fresh cluster. initdb costs over a
// second; copying a pristine cluster cached per PostgreSQL build costs a
// fifth of that, and every test binary pays it, so the first run on a
// machine keeps a copy in the user cache dir. Returns how it was made.
func prepareData(binDir, dataDir string, cred *syscall.Credential) (string, error) {
	tpl := templatePath(binDir)
	if tpl != "" {
		if _, err := os.Stat(filepath.Join(tpl, "PG_VERSION")); err == nil {
			if err := copyTree(tpl, dataDir, cred); err == nil {
				return "copied from " + tpl, nil
			}
			_ = os.RemoveAll(dataDir) // fall back to initdb
		}
	}
	if err := initdb(binDir, dataDir, cred); err != nil {
		return "", err
	}
	if tpl != "" {
		saveTemplate(dataDir, tpl)
	}
	return "initdb", nil
}

// templatePath names the cache entry after everything that shapes an
// initdb result, so an upgraded PostgreSQL never gets an old template.
func templatePath(binDir string) string {
	root, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintln(h, "pgtest-template-v1", binDir, strings.Join(initdbArgs, " "))
	for _, name := range []string{"initdb", "postgres"} {
		st, err := os.Stat(filepath.Join(binDir, name))
		if err != nil {
			return ""
		}
		fmt.Fprintln(h, name, st.Size(), st.ModTime().UnixNano())
	}
	return filepath.Join(root, "visage-pgtest", "pg-"+hex.EncodeToString(h.Sum(nil))[:16])
}

// saveTemplate publishes a copy atomically (copy aside, then rename), so
// concurrent first runs never see half a template; the loser's copy is
// discarded. Best effort: without a cache we only lose speed.
func saveTemplate(dataDir, tpl string) {
	if err := os.MkdirAll(filepath.Dir(tpl), 0o755); err != nil {
		return
	}
	tmp, err := os.MkdirTemp(filepath.Dir(tpl), ".tmp-*")
	if err != nil {
		return
	}
	defer os.RemoveAll(tmp)
	staged := filepath.Join(tmp, "data")
	if copyTree(dataDir, staged, nil) == nil {
		_ = os.Rename(staged, tpl)
	}
}

func initdb(binDir, dataDir string, cred *syscall.Credential) error {
	var out bytes.Buffer
	cmd := exec.Command(filepath.Join(binDir, "initdb"), append([]string{"-D", dataDir}, initdbArgs...)...)
	cmd.Dir = filepath.Dir(dataDir) // nobody cannot chdir into root's cwd
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = procAttr(cred)
	p, err := startPinned(cmd)
	if err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	if err := p.wait(2 * time.Minute); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out.String())
	}
	return nil
}

// childEnv pins the C locale so a LANG naming an uninstalled locale cannot
// make initdb or postgres fail or warn.
func childEnv() []string {
	return append(os.Environ(), "LC_ALL=C")
}

// copyTree copies a data directory, keeping modes (postgres insists on
// 0700) and handing ownership to cred when we run as root.
func copyTree(src, dst string, cred *syscall.Credential) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			err = os.Mkdir(target, info.Mode().Perm())
		case d.Type().IsRegular():
			err = copyFile(path, target, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			var link string
			if link, err = os.Readlink(path); err == nil {
				err = os.Symlink(link, target)
			}
		default:
			err = fmt.Errorf("unexpected file type %v", d.Type())
		}
		if err == nil && cred != nil {
			err = os.Lchown(target, int(cred.Uid), int(cred.Gid))
		}
		if err != nil {
			return fmt.Errorf("copy %s: %w", path, err)
		}
		return nil
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
