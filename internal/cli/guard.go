package cli

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"promocast/export"
)

// outputFlags are the flags that name files (or folders) a command writes.
func outputFlags() []string { return []string{"out", "plot"} }

// inputFlags are the flags that name files a command reads.
func inputFlags() []string { return []string{"data", "plan", "spec", "stock", "model", "truth"} }

// refuseOverwrite refuses to run a command whose output flag names a file
// one of its input flags reads: the run would replace its own input.
func refuseOverwrite(fs *pflag.FlagSet) error {
	for _, o := range outputFlags() {
		out := stat(fs, o)
		if out == nil || out.IsDir() {
			continue // a new file or a folder replaces no input file
		}
		for _, i := range inputFlags() {
			if in := stat(fs, i); in != nil && os.SameFile(out, in) {
				return usagef("--%s %s is the file --%s reads: write the output to another file", o, fs.Lookup(o).Value, i)
			}
		}
	}
	return nil
}

// stat returns the file a flag names, or nil when the flag is absent,
// empty or names no file.
func stat(fs *pflag.FlagSet, name string) os.FileInfo {
	f := fs.Lookup(name)
	if f == nil || f.Value.String() == "" {
		return nil
	}
	st, err := os.Stat(f.Value.String())
	if err != nil {
		return nil
	}
	return st
}

// tempFiles lists the unfinished temporary files this process has made
// for the files and folders its output flags name (see export.TempPrefix).
func tempFiles(fs *pflag.FlagSet) []string {
	var out []string
	for _, o := range outputFlags() {
		f := fs.Lookup(o)
		if f == nil || f.Value.String() == "" {
			continue
		}
		path := f.Value.String()
		pattern := export.TempPrefix(path, os.Getpid()) + "*"
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			pattern = export.TempPrefix(filepath.Join(path, "*"), os.Getpid()) + "*"
		}
		m, _ := filepath.Glob(pattern)
		out = append(out, m...)
	}
	return out
}

// onSignal makes SIGINT and SIGTERM remove the command's unfinished
// temporary output files before the process exits (130 or 143), so that an
// interrupted run leaves its outputs as they were and nothing beside them.
// The returned function stops listening. 'serve' drains on signals itself
// and does not call it.
func onSignal(e *env, cmd *cobra.Command) (stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sig:
			files := tempFiles(cmd.Flags())
			for _, f := range files {
				os.Remove(f)
			}
			fmt.Fprintf(e.stderr, "promocast: %v: stopped; removed %d unfinished output file(s)\n", s, len(files))
			code := 130
			if s == syscall.SIGTERM {
				code = 143
			}
			os.Exit(code)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
	}
}
