package bench

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
)

// Peak is the resident memory of this process around some work.
type Peak struct {
	Before int64 // bytes resident when it started, garbage returned to the OS first
	Peak   int64 // the most resident while it ran
}

// Growth is how much more was resident at the peak than before.
func (p Peak) Growth() int64 { return p.Peak - p.Before }

// PeakRSS runs f and reads the kernel's high-water mark of resident memory, reset just
// before (Linux: clear_refs 5), so that only f's peak counts.
func PeakRSS(f func() error) (Peak, error) {
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return Peak{}, fmt.Errorf("bench: reset the peak RSS: %w", err)
	}
	before, err := status("VmRSS")
	if err != nil {
		return Peak{}, err
	}
	if err := f(); err != nil {
		return Peak{}, err
	}
	peak, err := status("VmHWM")
	return Peak{Before: before, Peak: peak}, err
}

// status reads a size field of /proc/self/status, in bytes.
func status(field string) (int64, error) { return sizeField("/proc/self/status", field) }

// sizeField reads a "Field:   N kB" line of a /proc file, in bytes.
func sizeField(path, field string) (int64, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- a /proc file of a process the benchmark started
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int64
			_, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("bench: no %s in %s", field, path)
}

// MiB writes a byte count in mebibytes.
func MiB(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
