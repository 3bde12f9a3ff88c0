package registry

import (
	"context"

	"promocast/backtest/results"
)

// Release is a version to register and what to do with it then.
type Release struct {
	Registration
	// Backtest, when set, returns the backtest results to store with the
	// version (see SetBacktest). It is called after registering, so a
	// backtest that cannot be read leaves the version registered.
	Backtest func() (results.Results, error)
	// Promote makes the version its name's live version.
	Promote bool
}

// Released says what Release did. On an error it holds the steps done
// before it: Model.Version is 0 when nothing was registered.
type Released struct {
	// Model is the registered version; Existed reports that the same file
	// with the same data fingerprint was registered before (see Register).
	Model   Model
	Existed bool
	// Backtest is the stored backtest, nil when none was stored.
	Backtest *results.Results
	// Live reports that the version was made live.
	Live bool
}

// Release registers r's model file, stores its backtest with the version
// and makes the version live, each step when r asks for it and in that
// order: the sequence 'promocast serve' installs its model with and
// 'promocast models register' publishes one with.
func (s *Store) Release(ctx context.Context, r Release) (Released, error) {
	var out Released
	m, existed, err := s.Register(ctx, r.Registration)
	if err != nil {
		return out, err
	}
	out.Model, out.Existed = m, existed
	if r.Backtest != nil {
		bt, err := r.Backtest()
		if err != nil {
			return out, err
		}
		if err := s.SetBacktest(ctx, m.Name, m.Version, bt); err != nil {
			return out, err
		}
		out.Backtest = &bt
	}
	if r.Promote {
		if _, err := s.Promote(ctx, m.Name, m.Version); err != nil {
			return out, err
		}
		out.Live = true
	}
	return out, nil
}
