package serve

import (
	"fmt"
	"log/slog"
	"runtime"
	"time"
)

// Limits bound what one request may ask. Zero fields take the defaults.
type Limits struct {
	// MaxBodyBytes is the largest request body; default 8 MiB.
	MaxBodyBytes int64
	// MaxRows is the most plan rows in one request; default 10,000.
	MaxRows int
	// MaxSweepValues is the most values one what-if tries; default
	// DefaultMaxSweepValues.
	MaxSweepValues int
	// MaxSweepCells bounds a what-if's rows × values; default 200,000.
	MaxSweepCells int
	// MaxConcurrent is how many plan-scoring requests (forecast, whatif,
	// explain, optimize, inventory) work at once; default the number of
	// CPUs Go uses (GOMAXPROCS).
	MaxConcurrent int
	// MaxQueue is how many more may wait for a turn; default 4 ×
	// MaxConcurrent. A request beyond it is answered 429 with Retry-After.
	MaxQueue int
	// QueueWait is how long a request waits for a turn before it is
	// answered 503 with Retry-After; default 10 s.
	QueueWait time.Duration
	// Deadline is how long a request's work may take before it is
	// answered 503; default 30 s (below the 60 s write timeout).
	Deadline time.Duration
}

// DefaultMaxSweepValues is the most values one what-if tries by default:
// the server's limit, and the command line's.
const DefaultMaxSweepValues = 101

// RunRetention bounds the request log. Runs are queued in memory and
// committed in batches at most runLinger (100 ms) apart; a graceful stop
// commits every queued run, while a crash or kill -9 loses the runs not yet
// committed (those of the last 100 ms or so, at most the 4,096 the queue
// holds). Committed runs survive a process crash (SQLite WAL); with
// synchronous=NORMAL the last commits may be lost on power failure.
type RunRetention struct {
	// MaxRuns is how many runs are kept, newest first; default 100,000,
	// negative keeps every run.
	MaxRuns int
	// MaxAge is how long runs are kept; default 30 days, negative keeps
	// runs of any age.
	MaxAge time.Duration
	// Every is how often the log is pruned; default 1 minute.
	Every time.Duration
}

// Options configure a Server. The zero value serves the model named
// "default" with the defaults below, open to reads, admin routes off.
type Options struct {
	// Name is the registry name of the model served; default "default".
	Name string
	// Limits bound each request.
	Limits Limits
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are
	// the http.Server timeouts; defaults 5 s, 30 s, 60 s and 120 s.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// ShutdownTimeout is how long Serve waits for requests in flight to
	// finish after its context ends; default 30 s.
	ShutdownTimeout time.Duration
	// PollInterval is how often the server checks the registry for a live
	// version changed by another process ('promocast models promote');
	// default 5 s, negative turns polling off.
	PollInterval time.Duration
	// Tokens are the API tokens. With none, read routes are open and admin
	// routes refused unless InsecureAdmin.
	Tokens        []Token
	InsecureAdmin bool
	// Runs bounds the request log (the runs table of the registry).
	Runs RunRetention
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
	// Version is reported in the API document; default "dev".
	Version string
}

func (o Options) validate() (Options, error) {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if o.Name == "" {
		o.Name = "default"
	}
	if o.Limits.MaxBodyBytes == 0 {
		o.Limits.MaxBodyBytes = 8 << 20
	}
	if o.Limits.MaxRows == 0 {
		o.Limits.MaxRows = 10000
	}
	if o.Runs.MaxRuns == 0 {
		o.Runs.MaxRuns = 100000
	}
	def(&o.Runs.MaxAge, 30*24*time.Hour)
	def(&o.Runs.Every, time.Minute)
	if o.Limits.MaxSweepValues == 0 {
		o.Limits.MaxSweepValues = DefaultMaxSweepValues
	}
	if o.Limits.MaxSweepCells == 0 {
		o.Limits.MaxSweepCells = 200000
	}
	if o.Limits.MaxConcurrent == 0 {
		o.Limits.MaxConcurrent = runtime.GOMAXPROCS(0)
	}
	if o.Limits.MaxQueue == 0 {
		o.Limits.MaxQueue = 4 * o.Limits.MaxConcurrent
	}
	def(&o.Limits.QueueWait, 10*time.Second)
	def(&o.Limits.Deadline, 30*time.Second)
	def(&o.ReadHeaderTimeout, 5*time.Second)
	def(&o.ReadTimeout, 30*time.Second)
	def(&o.WriteTimeout, 60*time.Second)
	def(&o.IdleTimeout, 120*time.Second)
	def(&o.ShutdownTimeout, 30*time.Second)
	def(&o.PollInterval, 5*time.Second)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	l := o.Limits
	switch {
	case l.MaxBodyBytes < 0 || l.MaxRows < 0 || l.MaxSweepValues < 0 || l.MaxSweepCells < 0 || l.MaxConcurrent < 0 || l.MaxQueue < 0 ||
		l.QueueWait < 0 || l.Deadline < 0:
		return o, fmt.Errorf("serve: limits must be positive (0 takes the default): %+v", l)
	case o.ReadTimeout < 0 || o.WriteTimeout < 0 || o.IdleTimeout < 0 || o.ReadHeaderTimeout < 0 || o.ShutdownTimeout < 0:
		return o, fmt.Errorf("serve: timeouts must be positive (0 takes the default)")
	case o.InsecureAdmin && len(o.Tokens) > 0:
		return o, fmt.Errorf("serve: --insecure-admin opens admin routes without tokens; with tokens configured use an admin token instead")
	}
	return o, nil
}
