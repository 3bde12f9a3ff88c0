package registry

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"promocast/modelfile"
)

// ErrNotFound is returned (wrapped) when a model name, version or live
// version does not exist.
var ErrNotFound = errors.New("not found")

// Options configure Open. The zero value is ready to use.
type Options struct {
	// Now is the clock that stamps registrations, promotions and runs;
	// nil means time.Now.
	Now func() time.Time
	// Check says whether a version can be served: its model file decodes,
	// its history loads and matches its spec. Promote and Rollback call it
	// before making a version live and refuse the version when it fails, so
	// that whatever process changes the registry, its live version is one a
	// server can start on. nil checks only the stored file's checksum.
	Check Check
}

// Check reports whether the version m, whose checked model file is file,
// can be served.
type Check func(ctx context.Context, m Model, file []byte) error

// Store is an open registry database.
type Store struct {
	db    *sql.DB
	now   func() time.Time
	check Check
}

// schemaVersion is stored in SQLite's user_version; Open refuses newer
// databases.
const schemaVersion = 2

const schema = `
CREATE TABLE IF NOT EXISTS models (
	name             TEXT    NOT NULL,
	version          INTEGER NOT NULL,
	kind             TEXT    NOT NULL,
	source_path      TEXT    NOT NULL,
	file             BLOB    NOT NULL,
	checksum         TEXT    NOT NULL,
	data_source      TEXT    NOT NULL,
	spec_source      TEXT    NOT NULL,
	data_fingerprint TEXT    NOT NULL,
	spec             TEXT    NOT NULL,
	metrics          TEXT    NOT NULL,
	created          TEXT    NOT NULL,
	PRIMARY KEY (name, version)
);
CREATE TABLE IF NOT EXISTS promotions (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	name     TEXT    NOT NULL,
	version  INTEGER NOT NULL,
	promoted TEXT    NOT NULL,
	retired  TEXT
);
CREATE INDEX IF NOT EXISTS promotions_name ON promotions (name, retired, id);
CREATE TABLE IF NOT EXISTS runs (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	kind    TEXT    NOT NULL,
	model   TEXT    NOT NULL,
	version INTEGER NOT NULL,
	params  TEXT    NOT NULL,
	summary TEXT    NOT NULL,
	millis  REAL    NOT NULL,
	created TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS backtests (
	name    TEXT    NOT NULL,
	version INTEGER NOT NULL,
	data    BLOB    NOT NULL,
	PRIMARY KEY (name, version)
);
`

// Open opens (creating if needed) the registry database at path; ":memory:"
// opens a private in-memory database that lives as long as the Store.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("registry: no database path (use :memory: for an in-memory registry)")
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	if path == ":memory:" {
		dsn = "file::memory:?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", path, err)
	}
	// One connection: SQLite takes one writer at a time anyway, and an
	// in-memory database exists per connection.
	db.SetMaxOpenConns(1)
	st := &Store{db: db, now: opt.Now, check: opt.Check}
	if st.now == nil {
		st.now = time.Now
	}
	if err := st.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("registry %s: %w", path, err)
	}
	return st, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("not a promocast registry (or not an SQLite database): %w", err)
	}
	if v > schemaVersion {
		return fmt.Errorf("database schema version %d is newer than this promocast reads (%d)", v, schemaVersion)
	}
	if _, err := s.db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create tables: %w", err)
	}
	_, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion))
	return err
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Checksum returns "sha256:<hex>" of b, the form the registry stores.
func Checksum(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Fingerprint returns "sha256:<hex>" of everything r yields: the
// fingerprint of a training history file.
func Fingerprint(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// FingerprintFile returns the Fingerprint of the file at path.
func FingerprintFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	defer f.Close()
	fp, err := Fingerprint(f)
	if err != nil {
		return "", fmt.Errorf("fingerprint %s: %w", path, err)
	}
	return fp, nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// decode checks model file bytes: checksum, format and that the model
// decodes.
func decode(b []byte, name string) (*modelfile.Forecast, error) {
	return modelfile.Decode(b, name)
}

func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}
