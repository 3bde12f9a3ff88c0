// Package envelope wraps a JSON body in promocast's checksummed file
// envelope, the outer object of model files:
//
//	{"format":"<format>","version":<n>,"kind":"<kind>",
//	 "checksum":"sha256:<hex of the body bytes>","body":{...}}
//
// kind is left out when empty. The checksum covers the body's bytes
// exactly as stored, so a truncated or edited file is refused by Open.
// Sealing the same body gives the same bytes.
package envelope

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// file is the envelope's layout; the field order is the order written.
type file struct {
	Format   string          `json:"format"`
	Version  int             `json:"version"`
	Kind     string          `json:"kind,omitempty"`
	Checksum string          `json:"checksum"`
	Body     json.RawMessage `json:"body"`
}

// Format is one file layout in an envelope.
type Format struct {
	// Name is the format field, e.g. "promocast-model".
	Name string
	// Version is the newest version: Seal writes it, Open reads 1..Version.
	Version int
	// Noun is what errors call such a file, e.g. "promocast model file".
	Noun string
}

// Seal returns the file bytes (ending in a newline) of body, which must be
// a JSON value, in an envelope of format f and the given kind.
func (f Format) Seal(kind string, body []byte) ([]byte, error) {
	out, err := json.Marshal(file{Format: f.Name, Version: f.Version, Kind: kind, Checksum: checksum(body), Body: body})
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", f.Noun, err)
	}
	return append(out, '\n'), nil
}

// Open checks that b is an envelope of format f, of a version from 1 to
// f.Version, whose checksum matches its body, and returns its kind,
// version and body. Errors start with name (a file name, for the user).
func (f Format) Open(b []byte, name string) (kind string, version int, body []byte, err error) {
	var env file
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&env); err != nil {
		return "", 0, nil, fmt.Errorf("%s: not a %s: %w", name, f.Noun, err)
	}
	if env.Format != f.Name {
		return "", 0, nil, fmt.Errorf("%s: format is %q, expected %q: not a %s (each job's commands read their own model files: train and forecast, tabular, recommend, uplift)", name, env.Format, f.Name, f.Noun)
	}
	if env.Version < 1 || env.Version > f.Version {
		return "", 0, nil, fmt.Errorf("%s: %s version %d; this promocast reads versions 1..%d", name, f.Noun, env.Version, f.Version)
	}
	if got := checksum(env.Body); env.Checksum != got {
		return "", 0, nil, fmt.Errorf("%s: checksum mismatch (file says %s, body hashes to %s): the file is damaged or was edited", name, env.Checksum, got)
	}
	return env.Kind, env.Version, env.Body, nil
}

// checksum names the body's SHA-256 as the envelope writes it.
func checksum(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha256:" + hex.EncodeToString(sum[:])
}
