package pgtest

import (
	"os"
	"syscall"
)

// procAttr asks the kernel to SIGKILL the child when the OS thread that
// forked it dies. Go applies Pdeathsig after switching credentials, so it
// survives the drop to nobody. startPinned keeps that thread alive for
// exactly as long as the child, which makes "test binary died" (panic,
// timeout, kill -9) imply "server died" without any cleanup code running.
func procAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
}

// memoryDir returns /dev/shm when it is a real tmpfs with room to spare.
// Throwaway clusters run with fsync off, so disk adds nothing but I/O
// contention: on a busy 2-core machine copying a 40 MB data directory took
// about 1 s on disk and 0.07 s in memory. Docker's default 64 MB /dev/shm
// would fill up, hence the free-space floor.
func memoryDir() string {
	const dir, floor, tmpfsMagic = "/dev/shm", 1 << 30, 0x01021994
	var st syscall.Statfs_t
	if syscall.Statfs(dir, &st) != nil || uint32(st.Type) != tmpfsMagic || st.Bavail*uint64(st.Bsize) < floor {
		return ""
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm()&0o003 != 0o003 {
		return ""
	}
	return dir
}
