package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Run is one forecast or what-if answered with a model.
type Run struct {
	ID int64 `json:"id"`
	// Kind is the request kind, e.g. "forecast" or "whatif".
	Kind string `json:"kind"`
	// Model and Version name the model version that answered.
	Model   string `json:"model"`
	Version int    `json:"version"`
	// Params and Summary are the request's parameters and its summary
	// results, as JSON.
	Params  json.RawMessage `json:"params"`
	Summary json.RawMessage `json:"summary"`
	// Millis is how long scoring took.
	Millis float64 `json:"millis"`
	// Created is when the run was recorded; zero means now.
	Created time.Time `json:"created"`
}

// RecordRuns appends runs in one transaction, runsPerInsert rows per INSERT
// statement (a third less time per run than a statement per row).
func (s *Store) RecordRuns(ctx context.Context, runs []Run) error {
	if len(runs) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var full *sql.Stmt // the statement for runsPerInsert runs, prepared once
	if len(runs) >= runsPerInsert {
		if full, err = tx.PrepareContext(ctx, insertRuns(runsPerInsert)); err != nil {
			return err
		}
		defer full.Close()
	}
	args := make([]any, 0, 7*min(len(runs), runsPerInsert))
	for len(runs) > 0 {
		part := runs[:min(len(runs), runsPerInsert)]
		runs = runs[len(part):]
		args = args[:0]
		for _, r := range part {
			created := r.Created
			if created.IsZero() {
				created = s.now()
			}
			args = append(args, r.Kind, r.Model, r.Version, orNull(r.Params), orNull(r.Summary), r.Millis, stamp(created))
		}
		if len(part) == runsPerInsert {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, insertRuns(len(part)), args...)
		}
		if err != nil {
			return fmt.Errorf("record runs: %w", err)
		}
	}
	return tx.Commit()
}

// runsPerInsert is how many runs one INSERT statement takes (7 values each,
// well inside SQLite's limit of 32,766 parameters).
const runsPerInsert = 64

// insertRuns returns an INSERT statement for n runs.
func insertRuns(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO runs (kind, model, version, params, summary, millis, created) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`(?, ?, ?, ?, ?, ?, ?)`)
	}
	return b.String()
}

// PruneRuns deletes all but the newest keep runs (keep < 0: no count
// limit) and the runs recorded before cutoff (zero: no age limit), and
// returns how many it deleted. SQLite reuses the freed pages, so a store
// pruned regularly stops growing. Runs are only ever deleted from the
// oldest id on — by age, those before the first run stamped at or after
// cutoff, so a run stamped out of order waits for the runs before it — so
// the kept ids are consecutive and the newest keep are those within keep
// of the largest id (found without walking the log).
func (s *Store) PruneRuns(ctx context.Context, keep int, cutoff time.Time) (int64, error) {
	var total int64
	if keep >= 0 {
		res, err := s.db.ExecContext(ctx, `DELETE FROM runs WHERE id <= (SELECT max(id) FROM runs) - ?`, keep)
		if err != nil {
			return 0, fmt.Errorf("prune runs: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	if !cutoff.IsZero() {
		res, err := s.db.ExecContext(ctx, `DELETE FROM runs WHERE id < COALESCE(
			(SELECT min(id) FROM runs WHERE created >= ?), (SELECT max(id) + 1 FROM runs))`, stamp(cutoff))
		if err != nil {
			return total, fmt.Errorf("prune runs: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

func orNull(b json.RawMessage) string {
	if len(b) == 0 {
		return "null"
	}
	return string(b)
}

// Runs returns the latest runs, newest first, at most limit (≤ 0: 100).
func (s *Store) Runs(ctx context.Context, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, model, version, params, summary, millis, created FROM runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var params, summary, created string
		if err := rows.Scan(&r.ID, &r.Kind, &r.Model, &r.Version, &params, &summary, &r.Millis, &created); err != nil {
			return nil, err
		}
		r.Params, r.Summary, r.Created = json.RawMessage(params), json.RawMessage(summary), parseStamp(created)
		out = append(out, r)
	}
	return out, rows.Err()
}
