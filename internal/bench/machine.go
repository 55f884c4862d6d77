package bench

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Machine describes this machine: CPU model, cores and memory.
func Machine() string {
	model, mem := "unknown CPU", "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	if total, err := sizeField("/proc/meminfo", "MemTotal"); err == nil {
		mem = fmt.Sprintf("%.0f GiB", float64(total)/(1<<30))
	}
	return fmt.Sprintf("%s, %d cores, %s memory", model, runtime.NumCPU(), mem)
}

// LoadAverage is the system's 1, 5 and 15 minute load averages: other work on the machine.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
