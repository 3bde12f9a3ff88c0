// Package cli implements the promocast command line, one file per
// subcommand. Run is the whole program: it parses arguments, sets up
// logging and returns the exit code (0 ok, 1 failure, 2 usage error).
package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError marks errors in how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// env is what every subcommand shares: its output streams and logger.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
	logFormat      string
	logLevel       string
}

// Run runs promocast with args (without the program name) and returns the
// exit code.
func Run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A panic is a bug in promocast, never the user's fault: report it
		// as one instead of a stack trace.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "promocast: internal error: %v\nPlease report this with the command you ran.\n", r)
			code = exitFailure
		}
	}()
	e := &env{stdout: stdout, stderr: stderr}
	stopSignals := func() {}
	defer func() { stopSignals() }()
	root := &cobra.Command{
		Use:   "promocast",
		Short: "Forecast what a promotion will do before it runs",
		Long: `promocast predicts the units, revenue, margin and ROI of a planned promotion,
the no-promotion baseline beside it and the uplift between them, from a sales
history and a plan of future prices and promotion flags.

Start with 'promocast demo', which needs no input.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.setupLog(); err != nil {
				return err
			}
			if cmd.Name() != "serve" {
				stopSignals = onSignal(e, cmd)
			}
			return refuseOverwrite(cmd.Flags())
		},
	}
	root.PersistentFlags().StringVar(&e.logFormat, "log-format", "text", "log format: text or json")
	root.PersistentFlags().StringVar(&e.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(args)
	root.AddCommand(demoCmd(e), trainCmd(e), backtestCmd(e), forecastCmd(e), inspectCmd(e), whatifCmd(e), explainCmd(e), inventoryCmd(e), optimizeCmd(e), effectsCmd(e), tuneCmd(e),
		tabularCmd(e), upliftCmd(e), recommendCmd(e), serveCmd(e), modelsCmd(e))
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "promocast: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintln(stderr, "Run 'promocast --help' for usage.")
		return exitUsage
	}
	return exitFailure
}

// isCobraUsage recognises cobra's own errors for unknown commands and
// wrong argument counts, which it does not type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "unknown flag", "unknown shorthand"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (e *env) setupLog() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(e.logLevel)); err != nil {
		return usagef("--log-level %q: expected debug, info, warn or error", e.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch e.logFormat {
	case "text":
		e.log = slog.New(slog.NewTextHandler(e.stderr, opts))
	case "json":
		e.log = slog.New(slog.NewJSONHandler(e.stderr, opts))
	default:
		return usagef("--log-format %q: expected text or json", e.logFormat)
	}
	return nil
}

// isTerminal reports whether w is a terminal, for progress bars.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
