//go:build !linux

package pgtest

import "syscall"

// procAttr only drops privileges here: Pdeathsig is Linux-only, so on other
// systems a server whose test binary is killed lives on until it notices its
// data directory was swept away (see sweepStale).
func procAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred}
}

// memoryDir finds no memory-backed directory off Linux; clusters use the
// temp dir.
func memoryDir() string { return "" }
