package ingest

import (
	"slices"
	"testing"

	"promocast/internal/shareddata"
)

// realFile returns the Breakfast at the Frat transactions table shared
// beside the repository, or skips.
func realFile(tb testing.TB) string {
	return shareddata.Path(tb, "breakfast_at_the_frat", "transaction.csv.gz")
}

func TestReadRealTransactions(t *testing.T) {
	f, err := Read(realFile(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Rows(); got != 524950 {
		t.Errorf("rows = %d, want 524950", got)
	}
	want := []string{"week_start", "week_end_date", "store_id", "upc_id", "units", "visits", "hhs",
		"spend", "price", "base_price", "feature", "display", "tpr_only"}
	if !slices.Equal(f.Names(), want) {
		t.Errorf("columns = %v, want %v", f.Names(), want)
	}
	kinds := map[string]string{"week_start": "string", "store_id": "number", "price": "number", "feature": "number"}
	for name, k := range kinds {
		if got := f.Column(name).Kind.String(); got != k {
			t.Errorf("column %s is %s, want %s", name, got, k)
		}
	}
	// First data row: 2009-01-12,2009-01-14,10019,1111009477,14,13,13,16.38,1.17,1.18,0,1,0
	if got := f.Column("week_start").Str[0]; got != "2009-01-12" {
		t.Errorf("week_start[0] = %q", got)
	}
	if got := f.Column("spend").Num[0]; got != 16.38 {
		t.Errorf("spend[0] = %v", got)
	}
}

func BenchmarkReadRealTransactions(b *testing.B) {
	path := realFile(b)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := Read(path, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}
