package bench

import (
	"fmt"
	"os"
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

// CPUMeter reads the CPU time of this process and of the PostgreSQL server whose
// postmaster is Postmaster: it and the processes it started (backends, walwriter,
// autovacuum). Ticks of 10 ms make one reading coarse; averages over many are not.
type CPUMeter struct {
	Postmaster int
}

// Self is this process's CPU time so far.
func (m CPUMeter) Self() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) // cannot fail for RUSAGE_SELF
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Server is the database server's CPU time so far: the postmaster's, that of its children
// that have ended (which the postmaster has waited for), and that of those that run. A
// backend that ends between two readings moves from the last sum to the second: a pool
// dropping connections under load made the server's time go backwards when only running
// processes were counted.
func (m CPUMeter) Server() (time.Duration, error) {
	_, _, total, err := procStat(fmt.Sprintf("/proc/%d/stat", m.Postmaster))
	if err != nil {
		return 0, err
	}
	ended, err := endedChildren(fmt.Sprintf("/proc/%d/stat", m.Postmaster))
	if err != nil {
		return 0, err
	}
	total += ended
	kids, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", m.Postmaster, m.Postmaster))
	if err != nil {
		return 0, err
	}
	for _, pid := range strings.Fields(string(kids)) {
		if _, _, ticks, err := procStat("/proc/" + pid + "/stat"); err == nil { // it may have just exited
			total += ticks
		}
	}
	return time.Duration(total) * clockTick, nil
}

// Read reads both.
func (m CPUMeter) Read() (CPU, error) {
	server, err := m.Server()
	return CPU{Self: m.Self(), Server: server}, err
}

// Process is the CPU time used so far by process pid, one the benchmark started.
func Process(pid int) (time.Duration, error) {
	_, _, ticks, err := procStat(fmt.Sprintf("/proc/%d/stat", pid))
	return time.Duration(ticks) * clockTick, err
}

// Postmaster is the parent of a server backend (SELECT pg_backend_pid()): the postmaster.
func Postmaster(backend int) (int, error) {
	_, ppid, _, err := procStat(fmt.Sprintf("/proc/%d/stat", backend))
	return ppid, err
}

// procStat reads a process's id, parent and user+system clock ticks.
func procStat(path string) (pid, ppid int, ticks int64, err error) {
	s, f, err := statFields(path)
	if err != nil {
		return 0, 0, 0, err
	}
	pid, _ = strconv.Atoi(s)
	ppid, _ = strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return pid, ppid, utime + stime, nil
}

// endedChildren is the user+system clock ticks of a process's children that have ended
// and been waited for (cutime and cstime).
func endedChildren(path string) (int64, error) {
	_, f, err := statFields(path)
	if err != nil {
		return 0, err
	}
	cutime, _ := strconv.ParseInt(f[13], 10, 64)
	cstime, _ := strconv.ParseInt(f[14], 10, 64)
	return cutime + cstime, nil
}

// statFields splits a /proc/<pid>/stat file into the process id and the fields after the
// command name: state, ppid, …; utime, stime, cutime and cstime are the 12th to 15th.
func statFields(path string) (pid string, fields []string, err error) {
	b, err := os.ReadFile(path) // #nosec G304 G703 -- a /proc file of a process the benchmark started
	if err != nil {
		return "", nil, err
	}
	s := string(b)
	end := strings.LastIndexByte(s, ')') // the command name may hold spaces
	if end < 0 {
		return "", nil, fmt.Errorf("bench: %s: no command name", path)
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 15 {
		return "", nil, fmt.Errorf("bench: %s: %d fields", path, len(f))
	}
	return strings.Fields(s[:end])[0], f, nil
}
