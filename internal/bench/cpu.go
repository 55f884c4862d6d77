package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPU is processor time used so far by this process and by the database server's
// processes: on a machine shared with other work, the cost of a request in CPU time says
// what the machine could do alone, when latencies only say what it did.
type CPU struct {
	Self, Server time.Duration
}

// Sub is the CPU time used between b and c.
func (c CPU) Sub(b CPU) CPU { return CPU{c.Self - b.Self, c.Server - b.Server} }

// Total is both processes' time.
func (c CPU) Total() time.Duration { return c.Self + c.Server }

// clockTick is the unit of /proc/<pid>/stat times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// ReadCPU reads the CPU time of this process and of the PostgreSQL server whose postmaster
// is postmaster: it and every process it started (backends, walwriter, autovacuum).
func ReadCPU(postmaster int) (CPU, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return CPU{}, err
	}
	c := CPU{Self: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return c, err
	}
	for _, path := range stats {
		pid, ppid, ticks, err := procStat(path)
		if err == nil && (pid == postmaster || ppid == postmaster) {
			c.Server += time.Duration(ticks) * clockTick
		}
	}
	return c, nil
}

// Postmaster is the parent of a server backend (SELECT pg_backend_pid()): the postmaster.
func Postmaster(backend int) (int, error) {
	_, ppid, _, err := procStat(fmt.Sprintf("/proc/%d/stat", backend))
	return ppid, err
}

// procStat reads a process's id, parent and user+system clock ticks.
func procStat(path string) (pid, ppid int, ticks int64, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0, err
	}
	s := string(b)
	end := strings.LastIndexByte(s, ')') // the command name may hold spaces
	if end < 0 {
		return 0, 0, 0, fmt.Errorf("bench: %s: no command name", path)
	}
	f := strings.Fields(s[end+1:]) // state, ppid, …; utime and stime are the 12th and 13th
	if len(f) < 13 {
		return 0, 0, 0, fmt.Errorf("bench: %s: %d fields", path, len(f))
	}
	pid, _ = strconv.Atoi(strings.Fields(s[:end])[0])
	ppid, _ = strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return pid, ppid, utime + stime, nil
}
