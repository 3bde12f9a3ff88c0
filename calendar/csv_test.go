package calendar

import (
	"errors"
	"strings"
	"testing"
)

func TestReadEvents(t *testing.T) {
	in := "\ufeffName, start ,end,pre,post\n" +
		"Brand Day,2024-08-08,2024-08-10,7,2\n" +
		"Warehouse move,2025/03/01,20250304,,\n" +
		"brand-day,2025-08-08,2025-08-10,5,\n"
	events, err := ReadEvents(strings.NewReader(in), "events.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Name != "brand_day" || events[1].Name != "warehouse_move" {
		t.Fatalf("events = %+v", events)
	}
	if events[0].Title != "Brand Day" {
		t.Errorf("title = %q", events[0].Title)
	}
	want := []Span{
		{Start: DateOf(2024, 8, 8), End: DateOf(2024, 8, 10), Pre: 7, Post: 2},
		{Start: DateOf(2025, 8, 8), End: DateOf(2025, 8, 10), Pre: 5, Post: 0},
	}
	if len(events[0].Spans) != 2 || events[0].Spans[0] != want[0] || events[0].Spans[1] != want[1] {
		t.Errorf("brand_day spans = %+v, want %+v", events[0].Spans, want)
	}
	if s := events[1].Spans[0]; s.Start != DateOf(2025, 3, 1) || s.End != DateOf(2025, 3, 4) || s.Pre != 0 {
		t.Errorf("warehouse_move = %+v", s)
	}
	c, err := New(append(Builtin(), events...))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.FeatureNames()[c.NumFeatures()-1]; got != "days_to_warehouse_move" {
		t.Errorf("last feature %q", got)
	}

	// Without pre and post columns.
	events, err = ReadEvents(strings.NewReader("end,name,start\n2024-01-02,x,2024-01-01\n"), "e.csv")
	if err != nil || len(events) != 1 || events[0].Spans[0] != (Span{Start: DateOf(2024, 1, 1), End: DateOf(2024, 1, 2)}) {
		t.Errorf("reordered columns: %+v, %v", events, err)
	}
}

func TestReadEventsErrors(t *testing.T) {
	for _, tc := range []struct {
		in                string
		line, col         int
		field, msgContain string
	}{
		{"", 1, 0, "", "empty file"},
		{"name,start\n", 1, 0, "", "no end column"},
		{"name,start,end,colour\n", 1, 4, "colour", "unknown column"},
		{"name,start,end,name\n", 1, 4, "name", "twice"},
		{"name,start,end\nx,2024-01-01,2024-01-02\ny,2024-13-01,2024-01-02\n", 3, 2, "start", "not a date"},
		{"name,start,end\nx,2024-01-05,2024-01-02\n", 2, 3, "end", "before start"},
		{"name,start,end,pre\nx,2024-01-01,2024-01-02,-3\n", 2, 4, "pre", "whole days"},
		{"name,start,end,pre,post\nx,2024-01-01,2024-01-02,1,1.5\n", 2, 5, "post", "whole days"},
		{"name,start,end\n!!,2024-01-01,2024-01-02\n", 2, 1, "name", "letters or digits"},
		{"name,start,end\nx,2024-01-01\n", 2, 0, "", "2 fields, the header has 3"},
		{"name,start,end\nx,1850-01-01,1850-01-02\n", 2, 0, "", "outside"},
		{"name,start,end\n\"x,2024-01-01,2024-01-02\n", 2, 0, "", "quote"},
	} {
		_, err := ReadEvents(strings.NewReader(tc.in), "ev.csv")
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v is not a *ParseError", tc.in, err)
			continue
		}
		if pe.File != "ev.csv" || pe.Line != tc.line || (tc.col != 0 && pe.Column != tc.col) || pe.Field != tc.field ||
			!strings.Contains(err.Error(), tc.msgContain) {
			t.Errorf("%q: got %+v (%v), want line %d col %d field %q mentioning %q",
				tc.in, pe, err, tc.line, tc.col, tc.field, tc.msgContain)
		}
	}
	_, err := ReadEvents(strings.NewReader("name,start,end\nx,2024-01-01,2024-01-0x\n"), "ev.csv")
	if want := `ev.csv:2:3: column end: "2024-01-0x" is not a date`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error text %q, want prefix %q", err, want)
	}
}

func FuzzReadEvents(f *testing.F) {
	f.Add("name,start,end,pre,post\nBrand Day,2024-08-08,2024-08-10,7,2\n")
	f.Add("name,start,end\nx,2024-01-01,2024-01-02\nx,2025-01-01,2025-01-02\n")
	f.Add("post,end,start,name\n3,20240102,2024/01/01,\"a,b\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		events, err := ReadEvents(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		c, err := New(events)
		if err != nil {
			t.Fatalf("ReadEvents accepted events New rejects: %v", err)
		}
		out := make([]float64, c.NumFeatures())
		for _, e := range events {
			c.Features(e.Spans[0].Start, e.Spans[0].End, out)
			for k := 0; k < len(out); k += FeaturesPerEvent {
				if s := out[k] + out[k+1] + out[k+2]; s < 0 || s > 1+1e-12 {
					t.Fatalf("fractions sum to %v", s)
				}
			}
		}
	})
}
