package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// A phaseStat is what one measured phase of a bench cost: wall time, CPU
// time (user + system) and peak resident set size of the process that ran
// it, and how many rows it handled.
type phaseStat struct {
	Name    string
	Rows    int64
	Wall    time.Duration
	CPU     time.Duration
	PeakRSS int64 // bytes
	Note    string
}

// RowsPerSec is Rows per wall second.
func (p phaseStat) RowsPerSec() float64 {
	if p.Wall <= 0 {
		return 0
	}
	return float64(p.Rows) / p.Wall.Seconds()
}

// benchChildEnv is set in the environment of a bench child process, so that
// a test binary standing in for overload (see TestMain) acts as the CLI.
const benchChildEnv = "OVERLOAD_BENCH_CHILD"

// runMeasured runs this same binary with args as a child process (so that
// its peak RSS is the phase's own, not the bench's) and returns its wall
// time, CPU time and peak RSS. The child's stderr goes to progress (nil =
// discarded); its stdout is returned.
func runMeasured(ctx context.Context, progress io.Writer, args ...string) (phaseStat, string, error) {
	self, err := os.Executable()
	if err != nil {
		return phaseStat{}, "", fmt.Errorf("bench: find own executable: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), benchChildEnv+"=1")
	var out strings.Builder
	cmd.Stdout = &out
	if progress != nil {
		cmd.Stderr = progress
	}
	start := time.Now()
	err = cmd.Run()
	st := phaseStat{Wall: time.Since(start)}
	if ps := cmd.ProcessState; ps != nil {
		st.CPU = ps.UserTime() + ps.SystemTime()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			st.PeakRSS = maxRSSBytes(ru)
		}
	}
	if err != nil {
		return st, out.String(), fmt.Errorf("bench: overload %s: %w", strings.Join(args, " "), err)
	}
	return st, out.String(), nil
}

// selfStat returns this process's CPU time and peak RSS so far.
func selfStat() (cpu time.Duration, peakRSS int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return cpu, maxRSSBytes(&ru)
}

// maxRSSBytes converts ru_maxrss to bytes: Linux reports KiB, macOS bytes.
func maxRSSBytes(ru *syscall.Rusage) int64 {
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) * 1024
}

// mib formats bytes as MiB.
func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
