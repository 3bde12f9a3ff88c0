package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"promocast/spec"
)

// writer writes files into a temporary folder and returns their paths.
func writer(t *testing.T) (string, func(name, body string) string) {
	dir := t.TempDir()
	return dir, func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// TestKeysKeepTheirText checks that numeric-looking keys reach the output
// exactly as written and still join attribute tables.
func TestKeysKeepTheirText(t *testing.T) {
	_, write := writer(t)
	var hist strings.Builder
	hist.WriteString("week,upc,units,price,base\n")
	for w := 0; w < 30; w++ {
		for _, upc := range []string{"1111009477", "00042"} {
			fmt.Fprintf(&hist, "2024-%02d-%02d,%s,%d,1,1\n", 1+w/4, 1+7*(w%4), upc, 10+w%3)
		}
	}
	h := write("h.csv", hist.String())
	write("products.csv", "upc,category\n1111009477,snacks\n00042,cereal\n")
	spec := write("spec.yaml", "time: {column: week, frequency: period}\nkeys: [upc]\ntarget: units\nstatic: [category]\nattributes: [{file: products.csv, on: upc}]\npromotion: {price: {off: base}}\n")
	ds, err := Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ds.History(h)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Column("upc").Str[0]; got != "1111009477" {
		t.Errorf("key read as %q", got)
	}
	if got := f.Column("upc").Str[1]; got != "00042" {
		t.Errorf("key read as %q", got)
	}
	if got := f.Column("category").Str[1]; got != "cereal" {
		t.Errorf("attribute joined as %q, want cereal", got)
	}
	// A plan is not joined: the model carries the attributes' levels. A
	// plan holding the target is refused.
	p, err := ds.Plan(write("p.csv", "week,upc,price,base\n2024-08-05,00042,1,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Column("category") != nil || p.Column("upc").Str[0] != "00042" {
		t.Errorf("plan read as %v", p.Names())
	}
	if _, err := ds.Plan(h); err == nil || !strings.Contains(err.Error(), `column "units" is the target`) {
		t.Errorf("plan with the target: %v", err)
	}
}

// TestAttributeKeyTwice checks that an attribute table with a key on two
// rows is refused with the file, rows and key.
func TestAttributeKeyTwice(t *testing.T) {
	_, write := writer(t)
	h := write("h.csv", "week,upc,units\n2024-01-01,7,1\n")
	write("products.csv", "upc,category\n7,snacks\n7,cereal\n")
	spec := write("spec.yaml", "time: {column: week, frequency: period}\nkeys: [upc]\ntarget: units\nstatic: [category]\nattributes: [{file: products.csv, on: upc}]\n")
	ds, err := Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ds.History(h)
	if err == nil || !strings.Contains(err.Error(), "products.csv: row 2 (line 3), column upc: \"7\" already appears on row 1") {
		t.Errorf("duplicate key: %v", err)
	}
}

// TestEventsBesideTheSpec checks that the event table is found beside the
// spec, not in the working folder, and that no table means no events.
func TestEventsBesideTheSpec(t *testing.T) {
	_, write := writer(t)
	write("events.csv", "name,start,end\nBrand Day,2024-08-08,2024-08-10\nBrand Day,2025-08-08,2025-08-10\n")
	spec := write("spec.yaml", "time: {column: day, frequency: day}\nkeys: [sku]\ntarget: units\nevents: events.csv\n")
	ds, err := Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ds.Events()
	if err != nil || len(ev) != 1 || len(ev[0].Spans) != 2 {
		t.Fatalf("events: %+v, %v", ev, err)
	}
	ds.Spec.Events = ""
	if ev, err := ds.Events(); ev != nil || err != nil {
		t.Errorf("no event table: %v, %v", ev, err)
	}
}

// TestTrainOptions checks that the training options carry the horizon,
// the gap and the spec's events, and that an unreadable event table is an
// error.
func TestTrainOptions(t *testing.T) {
	_, write := writer(t)
	write("events.csv", "name,start,end\nBrand Day,2024-08-08,2024-08-10\n")
	spec := write("spec.yaml", "time: {column: day, frequency: day}\nkeys: [sku]\ntarget: units\nevents: events.csv\n")
	ds, err := Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := ds.TrainOptions(14, 2)
	if err != nil || opt.Horizon != 14 || opt.Gap != 2 || len(opt.Events) != 1 || opt.Events[0].Name != "brand_day" {
		t.Fatalf("options %+v, %v", opt, err)
	}
	ds.Spec.Events = "missing.csv"
	if _, err := ds.TrainOptions(14, 2); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing event table: %v", err)
	}
}

// TestForModelReadsBesideTheHistory checks that a model's own spec reads
// its attribute tables from the history's folder, not the working folder.
func TestForModelReadsBesideTheHistory(t *testing.T) {
	dir, write := writer(t)
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := write("data/h.csv", "week,upc,units\n2024-01-01,7,1\n")
	write("data/products.csv", "upc,category\n7,snacks\n")
	sp, err := spec.Parse([]byte("time: {column: week, frequency: period}\nkeys: [upc]\ntarget: units\nstatic: [category]\nattributes: [{file: products.csv, on: upc}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	ds := ForModel(sp, h)
	if ds.Dir != filepath.Join(dir, "data") {
		t.Errorf("Dir %s, want the history's folder", ds.Dir)
	}
	hist, err := ds.History(h)
	if err != nil {
		t.Fatal(err)
	}
	if c := hist.Column("category"); c == nil || c.Str[0] != "snacks" {
		t.Errorf("category not joined from data/products.csv: %v", c)
	}
}

// TestForModelFallsBackToTheWorkingFolder checks a model's own spec whose
// attribute path was written against a spec at the project's root (data/
// products.csv) while the history sits in data/: beside the history it
// names no file, so the working folder's is read; a path that names a file
// in both reads the history's.
func TestForModelFallsBackToTheWorkingFolder(t *testing.T) {
	dir, write := writer(t)
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := write("data/h.csv", "week,upc,units\n2024-01-01,7,1\n")
	write("data/products.csv", "upc,category\n7,snacks\n")
	write("products.csv", "upc,category\n7,cereal\n")
	t.Chdir(dir)
	for file, want := range map[string]string{"data/products.csv": "snacks", "products.csv": "snacks"} {
		sp, err := spec.Parse([]byte("time: {column: week, frequency: period}\nkeys: [upc]\ntarget: units\nstatic: [category]\nattributes: [{file: " + file + ", on: upc}]\n"))
		if err != nil {
			t.Fatal(err)
		}
		hist, err := ForModel(sp, h).History(h)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if c := hist.Column("category"); c == nil || c.Str[0] != want {
			t.Errorf("%s: category %v, want %s", file, c, want)
		}
	}
	sp, _ := spec.Parse([]byte("time: {column: week, frequency: period}\nkeys: [upc]\ntarget: units\nstatic: [category]\nattributes: [{file: nowhere.csv, on: upc}]\n"))
	if _, err := ForModel(sp, h).History(h); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "data", "nowhere.csv")) {
		t.Errorf("a file in neither folder: %v, want an error naming it beside the history", err)
	}
}
