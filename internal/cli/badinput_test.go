package cli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBadInput runs the scenarios in testdata/badinput: each names a command
// run on a small weekly shop (weeklyShop) with one thing wrong, and the exit
// code and the words its message must hold. A scenario file is
//
//	# what it checks (comment lines start with #)
//	model: ridge                      train model.json on the shop first (optional)
//	replace history.csv 5: TEXT       replace line 5 of a file
//	append history.csv: TEXT          add a line to a file
//	gzip gz.csv: history.csv          write history.csv gzip-compressed to gz.csv
//	run: train --data $DIR/history.csv --spec $DIR/spec.yaml --out $DIR/m.json
//	exit: 1
//	want: history.csv line 5, column units     the message holds this text
//	unchanged: history.csv            the run left the file as it was
//	absent: m.json                    the run wrote no such file
//	-- plan.csv --                    after the keys: the lines below, up to
//	week,sku,price                    the next "-- name --" line, are
//	...                               written to the file before the run
func TestBadInput(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "badinput", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			runScenario(t, file)
		})
	}
}

func runScenario(t *testing.T, file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	path := weeklyShop(t, 40, 40)
	dir := filepath.Dir(path("x"))
	expand := func(s string) string { return strings.ReplaceAll(s, "$DIR", dir) }
	var args, wants, unchanged, absent []string
	exit := -1
	before := map[string][]byte{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	var section string
	var body strings.Builder
	flush := func() {
		if section != "" {
			writeFile(t, path(section), expand(body.String()))
		}
		body.Reset()
	}
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --") {
			flush()
			section = strings.TrimSuffix(strings.TrimPrefix(line, "-- "), " --")
			continue
		}
		if section != "" {
			body.WriteString(line + "\n")
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		if !ok {
			t.Fatalf("%s:%d: expected KEY: VALUE", file, n)
		}
		fields := strings.Fields(key)
		switch fields[0] {
		case "model":
			if code, _, errs := run(t, "train", "--data", path("history.csv"), "--spec", path("spec.yaml"), "--model", val,
				"--horizon", "4", "--calibration-folds", "2", "--out", path("model.json")); code != exitOK {
				t.Fatalf("training the scenario's model: %s", errs)
			}
		case "replace", "append":
			editLine(t, path(fields[1]), fields, expand(val))
		case "gzip":
			gzipFile(t, path(val), path(fields[1]))
		case "run":
			args = strings.Fields(expand(val))
		case "exit":
			if exit, err = strconv.Atoi(val); err != nil {
				t.Fatalf("%s:%d: %v", file, n, err)
			}
		case "want":
			wants = append(wants, expand(val))
		case "unchanged":
			unchanged = append(unchanged, val)
		case "absent":
			absent = append(absent, val)
		default:
			t.Fatalf("%s:%d: unknown key %q", file, n, fields[0])
		}
	}
	flush()
	if len(args) == 0 || exit < 0 || len(wants) == 0 {
		t.Fatalf("%s: a scenario needs run, exit and want", file)
	}
	for _, u := range unchanged {
		before[u], _ = os.ReadFile(path(u))
	}
	code, stdout, stderr := run(t, args...)
	msg := strings.TrimSpace(stderr)
	if code != exit {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exit, stdout, stderr)
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q\ndoes not hold %q", msg, w)
		}
	}
	for _, g := range []string{"Options.", "[]serve.", "*data.", "runtime error", "internal error"} {
		if strings.Contains(stderr, g) {
			t.Errorf("the message leaks an internal name (%s): %s", g, msg)
		}
	}
	for _, u := range unchanged {
		if after, _ := os.ReadFile(path(u)); !bytes.Equal(after, before[u]) {
			t.Errorf("%s changed", u)
		}
	}
	for _, a := range absent {
		if _, err := os.Stat(path(a)); !os.IsNotExist(err) {
			t.Errorf("%s was written", a)
		}
	}
}

// editLine replaces line N of a file ("replace FILE N") or appends a line
// ("append FILE").
func editLine(t *testing.T, name string, fields []string, text string) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if fields[0] == "append" {
		lines = append(lines, text)
	} else {
		n, err := strconv.Atoi(fields[2])
		if err != nil || n < 1 || n > len(lines) {
			t.Fatalf("replace %s %s: no such line", fields[1], fields[2])
		}
		lines[n-1] = text
	}
	writeFile(t, name, strings.Join(lines, "\n")+"\n")
}

// gzipFile writes src compressed to dst.
func gzipFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(b)
	w.Close()
	writeFile(t, dst, z.String())
}
