package serve

import (
	"fmt"
	"log/slog"
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
}

// DefaultMaxSweepValues is the most values one what-if tries by default:
// the server's limit, and the command line's.
const DefaultMaxSweepValues = 101

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
	if o.Limits.MaxSweepValues == 0 {
		o.Limits.MaxSweepValues = DefaultMaxSweepValues
	}
	if o.Limits.MaxSweepCells == 0 {
		o.Limits.MaxSweepCells = 200000
	}
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
	case l.MaxBodyBytes < 0 || l.MaxRows < 0 || l.MaxSweepValues < 0 || l.MaxSweepCells < 0:
		return o, fmt.Errorf("serve: limits must be positive (0 takes the default): %+v", l)
	case o.ReadTimeout < 0 || o.WriteTimeout < 0 || o.IdleTimeout < 0 || o.ReadHeaderTimeout < 0 || o.ShutdownTimeout < 0:
		return o, fmt.Errorf("serve: timeouts must be positive (0 takes the default)")
	case o.InsecureAdmin && len(o.Tokens) > 0:
		return o, fmt.Errorf("serve: --insecure-admin opens admin routes without tokens; with tokens configured use an admin token instead")
	}
	return o, nil
}
