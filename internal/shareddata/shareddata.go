// Package shareddata finds the real retail data sets that live beside the
// repository (../shared/data), for tests and benchmarks that need them. The
// data is never copied into the repository; tests skip when it is absent.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvVar names an environment variable that, when set, gives the folder
// holding the data sets instead of searching for ../shared/data.
const EnvVar = "PROMOCAST_SHARED_DATA"

// Find returns the folder holding the data sets, searching the current
// folder's ancestors for shared/data, or "" when there is none.
func Find() string {
	if d := os.Getenv(EnvVar); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		cand := filepath.Join(dir, "shared", "data")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Path returns the path of a file under the data folder, or skips the test
// with a message saying what is missing.
func Path(t testing.TB, parts ...string) string {
	t.Helper()
	root := Find()
	if root == "" {
		t.Skipf("shared data not found (no shared/data above %s and %s unset): skipping the real-data case", mustWd(), EnvVar)
	}
	p := filepath.Join(append([]string{root}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data file %s is absent: skipping the real-data case", p)
	}
	return p
}

func mustWd() string {
	d, _ := os.Getwd()
	return d
}
