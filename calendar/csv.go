package calendar

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ParseError is an error in a user event file, with its position. Line is
// 1-based (the header is line 1); Column is 1-based and Field names the
// column when the error is in one cell, else both are zero/empty.
type ParseError struct {
	File   string
	Line   int
	Column int
	Field  string
	Err    error
}

func (e *ParseError) Error() string {
	switch {
	case e.Field == "" && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	case e.Field == "":
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d:%d: column %s: %v", e.File, e.Line, e.Column, e.Field, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ReadEvents reads user events from CSV with a header row naming the
// columns name, start and end, and optionally pre and post, in any order:
//
//	name,start,end,pre,post
//	Brand Day,2024-08-08,2024-08-10,7,2
//	Brand Day,2025-08-08,2025-08-10,7,2
//	Warehouse move,2025-03-01,2025-03-04,,
//
// Each row is one occurrence; rows with the same name (after Slug) make one
// event with several occurrences. Dates are as ParseDate accepts; pre and
// post are whole days, 0 when the cell is empty or the column absent.
// Events come back in the order their names first appear. file names the
// source in errors, which are *ParseError values naming line and column.
func ReadEvents(r io.Reader, file string) ([]Event, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &ParseError{File: file, Line: 1, Err: errors.New("empty file: expected a header name,start,end[,pre,post]")}
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	col := map[string]int{"name": -1, "start": -1, "end": -1, "pre": -1, "post": -1}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		j, ok := col[h]
		if !ok {
			return nil, &ParseError{File: file, Line: 1, Column: i + 1, Field: h, Err: errors.New("unknown column: expected name, start, end, pre, post")}
		}
		if j >= 0 {
			return nil, &ParseError{File: file, Line: 1, Column: i + 1, Field: h, Err: errors.New("column appears twice")}
		}
		col[h] = i
	}
	for _, need := range []string{"name", "start", "end"} {
		if col[need] < 0 {
			return nil, &ParseError{File: file, Line: 1, Err: fmt.Errorf("no %s column: the header needs name, start and end", need)}
		}
	}
	var events []Event
	index := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return events, nil
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			return nil, &ParseError{File: file, Line: line, Err: fmt.Errorf("%d fields, the header has %d", len(rec), len(header))}
		}
		cellErr := func(name string, err error) error {
			return &ParseError{File: file, Line: line, Column: col[name] + 1, Field: name, Err: err}
		}
		name := Slug(rec[col["name"]])
		if name == "" {
			return nil, cellErr("name", fmt.Errorf("%q: expected a name with letters or digits", rec[col["name"]]))
		}
		var s Span
		if s.Start, err = ParseDate(strings.TrimSpace(rec[col["start"]])); err != nil {
			return nil, cellErr("start", err)
		}
		if s.End, err = ParseDate(strings.TrimSpace(rec[col["end"]])); err != nil {
			return nil, cellErr("end", err)
		}
		for _, w := range []struct {
			name string
			dst  *int
		}{{"pre", &s.Pre}, {"post", &s.Post}} {
			if col[w.name] < 0 {
				continue
			}
			cell := strings.TrimSpace(rec[col[w.name]])
			if cell == "" {
				continue
			}
			v, err := strconv.Atoi(cell)
			if err != nil || v < 0 || v > MaxWindow {
				return nil, cellErr(w.name, fmt.Errorf("%q: expected whole days 0..%d", cell, MaxWindow))
			}
			*w.dst = v
		}
		if s.End < s.Start {
			return nil, cellErr("end", fmt.Errorf("%s is before start %s", s.End, s.Start))
		}
		if err := s.Check(); err != nil {
			return nil, &ParseError{File: file, Line: line, Err: err}
		}
		k, ok := index[name]
		if !ok {
			k = len(events)
			index[name] = k
			events = append(events, Event{Name: name, Title: strings.TrimSpace(rec[col["name"]])})
		}
		events[k].Spans = append(events[k].Spans, s)
	}
}

// csvError converts an encoding/csv error into a ParseError.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: file, Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	return &ParseError{File: file, Err: err}
}
