// Package registry keeps promocast's trained models and the runs scored
// with them in one embedded SQLite database (modernc.org/sqlite: pure Go,
// no server, works with CGO_ENABLED=0).
//
// A model is registered under a name as a new version: the registry stores
// the model file's bytes (so the database alone is enough to serve it), its
// checksum, where it came from, the fingerprint of the history it scores
// against, its spec and its backtest metrics. A model file that fails its
// checksum or does not decode is refused and nothing is stored.
//
// At most one version of a name is live. Promote makes a version live and
// remembers the version it replaces; Rollback returns to that one, and
// rolling back again walks further back. Promotion history is kept, never
// deleted. Before a version goes live, Promote and Rollback check its stored
// file and run Options.Check (serve.Check: the model decodes, its history
// loads unchanged and matches its spec, the model scores it), so a version
// that cannot be served is refused from any process. A history that changes
// after its version went live is caught when a server starts: it serves
// the newest servable version in LiveHistory and says so in /readyz.
//
//	st, err := registry.Open(ctx, "promocast.db", registry.Options{})
//	m, _, err := st.Register(ctx, registry.Registration{Name: "shop", File: b,
//		DataSource: "history.csv", DataFingerprint: fp})
//	_, err = st.Promote(ctx, "shop", m.Version)
//	live, err := st.Live(ctx, "shop")
//
// Runs (forecasts and what-ifs answered by the server) are appended with
// their parameters and summary results, for audit and for comparing plans.
//
// A Store is safe for concurrent use. Two processes may share one database
// file (the server and the 'promocast models' command): SQLite's write lock
// and a busy timeout order them.
package registry
