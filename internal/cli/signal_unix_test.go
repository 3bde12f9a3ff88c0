//go:build unix

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"promocast/export"
)

// TestInterruptRemovesTempFiles interrupts a train run (in a child process)
// while it holds an unfinished temporary model file: the run exits 130 and
// leaves neither the temporary file nor a model behind. The child makes
// the temporary file as export.WriteFile names it, then blocks reading its
// history from a named pipe, so that the signal arrives at a known point.
func TestInterruptRemovesTempFiles(t *testing.T) {
	if dir := os.Getenv("PROMOCAST_SIGNAL_CHILD"); dir != "" {
		out := filepath.Join(dir, "m.json")
		os.WriteFile(export.TempPrefix(out, os.Getpid())+"1", nil, 0o644)
		os.Exit(Run([]string{"train", "--data", filepath.Join(dir, "fifo.csv"), "--spec", filepath.Join(dir, "spec.yaml"), "--out", out}, os.Stdout, os.Stderr))
	}
	path := weeklyShop(t, 10, 10)
	dir := filepath.Dir(path("x"))
	if err := syscall.Mkfifo(path("fifo.csv"), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptRemovesTempFiles$")
	cmd.Env = append(os.Environ(), "PROMOCAST_SIGNAL_CHILD="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Opening the pipe for writing returns once the child opened it to
	// read the history: it is past setting up its signal handling.
	w, err := os.OpenFile(path("fifo.csv"), os.O_WRONLY, 0)
	if err != nil {
		cmd.Process.Kill()
		t.Fatal(err)
	}
	defer w.Close()
	tmp := func() []string { m, _ := filepath.Glob(filepath.Join(dir, ".m.json.tmp-*")); return m }
	if len(tmp()) != 1 {
		t.Errorf("the child made no temporary file")
	}
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Errorf("exit: %v, want 130; stderr: %s", err, stderr.String())
	}
	if left := tmp(); len(left) != 0 {
		t.Errorf("left %v", left)
	}
	if _, err := os.Stat(path("m.json")); !os.IsNotExist(err) {
		t.Errorf("a model was written: %v", err)
	}
	if !strings.Contains(stderr.String(), "removed 1 unfinished output file") {
		t.Errorf("stderr: %s", stderr.String())
	}
}
