package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Model is one registered version of a named model.
type Model struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
	// Kind is the learner, e.g. "gbdt".
	Kind string `json:"kind"`
	// SourcePath is the file the model was registered from ("" if none).
	SourcePath string `json:"source_path"`
	// Checksum is "sha256:<hex>" of the stored model file bytes.
	Checksum string `json:"checksum"`
	// DataSource and SpecSource say where the history the model scores
	// against is read from ("" spec: the model's own).
	DataSource string `json:"data_source"`
	SpecSource string `json:"spec_source"`
	// DataFingerprint is "sha256:<hex>" of the history file.
	DataFingerprint string `json:"data_fingerprint"`
	// Spec is the model's dataset spec as JSON.
	Spec json.RawMessage `json:"spec"`
	// Metrics are the backtest metrics stored in the model file.
	Metrics map[string]float64 `json:"metrics"`
	// Created is when the version was registered.
	Created time.Time `json:"created"`
	// Live reports whether the version is its name's live version.
	Live bool `json:"live"`
}

// Registration is a model file to add as a new version.
type Registration struct {
	// Name groups versions; letters, digits, '.', '_' and '-' only.
	Name string
	// File holds the model file's bytes.
	File []byte
	// SourcePath is where File was read from, for the record.
	SourcePath string
	// DataSource, SpecSource and DataFingerprint describe the history the
	// model scores against (see Model).
	DataSource, SpecSource, DataFingerprint string
}

// CheckName rejects names that would be awkward in URLs and shells.
func CheckName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("model name %q: expected 1 to 64 characters", name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-", r)) {
			return fmt.Errorf("model name %q: only letters, digits, '.', '_' and '-' are allowed", name)
		}
	}
	return nil
}

// Register adds reg's model file as the next version of its name. The
// file must pass its checksum and decode as a forecast model; otherwise it
// is refused and nothing changes. When the same file with the same data
// fingerprint is already registered under the name, that version is
// returned and existed is true.
func (s *Store) Register(ctx context.Context, reg Registration) (m Model, existed bool, err error) {
	if err := CheckName(reg.Name); err != nil {
		return Model{}, false, err
	}
	src := reg.SourcePath
	if src == "" {
		src = "model file"
	}
	f, err := decode(reg.File, src)
	if err != nil {
		return Model{}, false, fmt.Errorf("refused: %w", err)
	}
	sum := Checksum(reg.File)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Model{}, false, err
	}
	defer tx.Rollback()
	var have int
	err = tx.QueryRowContext(ctx, `SELECT version FROM models WHERE name = ? AND checksum = ? AND data_fingerprint = ? ORDER BY version LIMIT 1`,
		reg.Name, sum, reg.DataFingerprint).Scan(&have)
	if err == nil {
		tx.Rollback()
		m, err := s.Get(ctx, reg.Name, have)
		return m, true, err
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Model{}, false, err
	}
	var next int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM models WHERE name = ?`, reg.Name).Scan(&next); err != nil {
		return Model{}, false, err
	}
	metrics := f.Metrics
	if metrics == nil {
		metrics = map[string]float64{}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO models (name, version, kind, source_path, file, checksum, data_source, spec_source,
		data_fingerprint, spec, metrics, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		reg.Name, next, f.Model.Kind, reg.SourcePath, reg.File, sum, reg.DataSource, reg.SpecSource, reg.DataFingerprint,
		marshal(f.Model.Spec), marshal(metrics), stamp(s.now()))
	if err != nil {
		return Model{}, false, fmt.Errorf("register %s: %w", reg.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return Model{}, false, err
	}
	m, err = s.Get(ctx, reg.Name, next)
	return m, false, err
}

const modelColumns = `m.name, m.version, m.kind, m.source_path, m.checksum, m.data_source, m.spec_source, m.data_fingerprint,
	m.spec, m.metrics, m.created,
	COALESCE((SELECT p.version FROM promotions p WHERE p.name = m.name AND p.retired IS NULL ORDER BY p.id DESC LIMIT 1), 0) = m.version`

type scanner interface{ Scan(dest ...any) error }

func scanModel(r scanner) (Model, error) {
	var m Model
	var spec, metrics, created string
	if err := r.Scan(&m.Name, &m.Version, &m.Kind, &m.SourcePath, &m.Checksum, &m.DataSource, &m.SpecSource,
		&m.DataFingerprint, &spec, &metrics, &created, &m.Live); err != nil {
		return Model{}, err
	}
	m.Spec = json.RawMessage(spec)
	if err := json.Unmarshal([]byte(metrics), &m.Metrics); err != nil {
		return Model{}, fmt.Errorf("model %s v%d: stored metrics: %w", m.Name, m.Version, err)
	}
	m.Created = parseStamp(created)
	return m, nil
}

// Get returns one version's record.
func (s *Store) Get(ctx context.Context, name string, version int) (Model, error) {
	m, err := scanModel(s.db.QueryRowContext(ctx, `SELECT `+modelColumns+` FROM models m WHERE m.name = ? AND m.version = ?`, name, version))
	if errors.Is(err, sql.ErrNoRows) {
		return Model{}, fmt.Errorf("model %s version %d: %w", name, version, ErrNotFound)
	}
	return m, err
}

// List returns the versions of name ("" for every name), by name then
// version.
func (s *Store) List(ctx context.Context, name string) ([]Model, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+modelColumns+` FROM models m WHERE ? = '' OR m.name = ? ORDER BY m.name, m.version`, name, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Model
	for rows.Next() {
		m, err := scanModel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// File returns a version's model file bytes after checking them against
// the stored checksum and decoding them: damaged bytes are an error.
func (s *Store) File(ctx context.Context, name string, version int) ([]byte, error) {
	return file(ctx, s.db, name, version)
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func file(ctx context.Context, q querier, name string, version int) ([]byte, error) {
	var b []byte
	var sum string
	err := q.QueryRowContext(ctx, `SELECT file, checksum FROM models WHERE name = ? AND version = ?`, name, version).Scan(&b, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("model %s version %d: %w", name, version, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if got := Checksum(b); got != sum {
		return nil, fmt.Errorf("model %s version %d: stored file hashes to %s, registered as %s: the registry copy is damaged", name, version, got, sum)
	}
	if _, err := decode(b, fmt.Sprintf("model %s version %d", name, version)); err != nil {
		return nil, err
	}
	return b, nil
}

// Live returns the live version of name.
func (s *Store) Live(ctx context.Context, name string) (Model, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT version FROM promotions WHERE name = ? AND retired IS NULL ORDER BY id DESC LIMIT 1`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return Model{}, fmt.Errorf("model %s has no live version: %w", name, ErrNotFound)
	}
	if err != nil {
		return Model{}, err
	}
	return s.Get(ctx, name, v)
}

// Promote makes a version live. The stored file is checked first (see
// File), then Options.Check: a version that cannot be served is refused and
// the live version stays live. Promoting the live version changes nothing.
func (s *Store) Promote(ctx context.Context, name string, version int) (Model, error) {
	cur, err := s.Live(ctx, name)
	switch {
	case err == nil && cur.Version == version:
		return cur, nil
	case err != nil && !errors.Is(err, ErrNotFound):
		return Model{}, err
	}
	if err := s.servable(ctx, s.db, name, version); err != nil {
		return Model{}, fmt.Errorf("promote refused: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO promotions (name, version, promoted) VALUES (?, ?, ?)`, name, version, stamp(s.now())); err != nil {
		return Model{}, fmt.Errorf("promote %s v%d: %w", name, version, err)
	}
	return s.Get(ctx, name, version)
}

// Rollback retires the live version of name and makes the version that
// was live before it live again. It fails, changing nothing, when there is
// no earlier live version or it cannot be served (see Promote).
func (s *Store) Rollback(ctx context.Context, name string) (Model, error) {
	// The check may take a while (it loads the history), so it runs
	// before the transaction, which then makes sure nothing moved.
	checked := 0
	if prev, err := s.Previous(ctx, name); err == nil {
		if err := s.servable(ctx, s.db, name, prev.Version); err != nil {
			return Model{}, fmt.Errorf("rollback refused: %w", err)
		}
		checked = prev.Version
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Model{}, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, version FROM promotions WHERE name = ? AND retired IS NULL ORDER BY id DESC LIMIT 2`, name)
	if err != nil {
		return Model{}, err
	}
	var ids, versions []int
	for rows.Next() {
		var id, v int
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return Model{}, err
		}
		ids, versions = append(ids, id), append(versions, v)
	}
	rows.Close()
	switch len(ids) {
	case 0:
		return Model{}, fmt.Errorf("rollback %s: no live version: %w", name, ErrNotFound)
	case 1:
		return Model{}, fmt.Errorf("rollback %s: version %d is the first live version; there is none before it to return to", name, versions[0])
	}
	if versions[1] != checked {
		return Model{}, fmt.Errorf("rollback %s: the live versions changed while version %d was checked; try again", name, checked)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE promotions SET retired = ? WHERE id = ?`, stamp(s.now()), ids[0]); err != nil {
		return Model{}, err
	}
	if err := tx.Commit(); err != nil {
		return Model{}, err
	}
	return s.Get(ctx, name, versions[1])
}

// servable checks a version's stored file and runs Options.Check on it.
func (s *Store) servable(ctx context.Context, q querier, name string, version int) error {
	b, err := file(ctx, q, name, version)
	if err != nil || s.check == nil {
		return err
	}
	m, err := scanModel(q.QueryRowContext(ctx, `SELECT `+modelColumns+` FROM models m WHERE m.name = ? AND m.version = ?`, name, version))
	if err != nil {
		return err
	}
	if err := s.check(ctx, m, b); err != nil {
		return fmt.Errorf("model %s version %d cannot be served: %w", name, version, err)
	}
	return nil
}

// LiveHistory returns the versions that are live or were live before the
// live one and have not been rolled back from, newest first: the live
// version, then the one Rollback would return to, and so on.
func (s *Store) LiveHistory(ctx context.Context, name string) ([]Model, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version FROM promotions WHERE name = ? AND retired IS NULL ORDER BY id DESC`, name)
	if err != nil {
		return nil, err
	}
	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, err
		}
		versions = append(versions, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Model, 0, len(versions))
	for _, v := range versions {
		m, err := s.Get(ctx, name, v)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// Previous returns the version Rollback would make live: the one live
// before the live version.
func (s *Store) Previous(ctx context.Context, name string) (Model, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version FROM promotions WHERE name = ? AND retired IS NULL ORDER BY id DESC LIMIT 2`, name)
	if err != nil {
		return Model{}, err
	}
	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return Model{}, err
		}
		versions = append(versions, v)
	}
	rows.Close()
	switch len(versions) {
	case 0:
		return Model{}, fmt.Errorf("model %s has no live version: %w", name, ErrNotFound)
	case 1:
		return Model{}, fmt.Errorf("model %s: version %d is the first live version; there is none before it to return to", name, versions[0])
	}
	return s.Get(ctx, name, versions[1])
}
