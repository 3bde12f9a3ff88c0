package ingest

// maxInterned is how many distinct values a text column shares before it
// stops looking values up: past that the column is taken to hold mostly
// unique values (ids, free text), for which a map costs more than it saves.
const maxInterned = 1 << 16

// interner makes equal cell texts of one column share one string, so a
// column of a few hundred distinct dates over millions of rows costs one
// string header per row and not one allocation per row.
type interner struct {
	m   map[string]string
	off bool
}

// get returns a string equal to b, shared with earlier equal values while
// interning is on.
func (in *interner) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if in.off {
		return string(b)
	}
	if s, ok := in.m[string(b)]; ok { // lookup by []byte does not allocate
		return s
	}
	if in.m == nil {
		in.m = make(map[string]string)
	}
	if len(in.m) >= maxInterned {
		in.m, in.off = nil, true
		return string(b)
	}
	s := string(b)
	in.m[s] = s
	return s
}

// on reports whether values are still being shared.
func (in *interner) on() bool { return !in.off }
