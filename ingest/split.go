package ingest

import (
	"bytes"
)

// splitErr is a malformed record: its kind, message, the 0-based field
// where it was found and how many newlines into the record it is.
type splitErr struct {
	kind  error
	msg   string
	field int
	lines int
}

// splitter cuts CSV records into fields. It keeps its buffers between
// records, so splitting a record whose fields need no unescaping does not
// allocate.
type splitter struct {
	fields  [][]byte
	refs    []fieldRef
	scratch []byte // unescaped quoted fields
}

// fieldRef locates a field either in the input (scratch false) or in the
// splitter's scratch buffer, which may move while a record is split.
type fieldRef struct {
	scratch    bool
	start, end int
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// trim drops spaces and tabs around an unquoted field, and a carriage
// return at its end (the \r of a \r\n line end).
func trim(b []byte) []byte {
	for len(b) > 0 && isBlank(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && (isBlank(b[len(b)-1]) || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// record splits the record that starts at buf[p]. It returns the fields
// (valid until the next call), the offset just past the record's line end,
// and the number of line ends consumed. The record ends at a newline outside
// quotes or at the end of buf, which is a record boundary or the end of the
// input, so a record still inside quotes there is unclosed.
func (s *splitter) record(buf []byte, p int) ([][]byte, int, int, *splitErr) {
	s.fields = s.fields[:0]
	end := len(buf)
	nl := bytes.IndexByte(buf[p:], '\n')
	if nl >= 0 {
		end = p + nl
	}
	line := buf[p:end]
	next := end
	lines := 0
	if nl >= 0 {
		next, lines = end+1, 1
	}
	if bytes.IndexByte(line, '"') < 0 {
		for {
			c := bytes.IndexByte(line, ',')
			if c < 0 {
				s.fields = append(s.fields, trim(line))
				return s.fields, next, lines, nil
			}
			s.fields = append(s.fields, trim(line[:c]))
			line = line[c+1:]
		}
	}
	return s.quoted(buf, p)
}

// quoted is record for a record that holds at least one quote.
func (s *splitter) quoted(buf []byte, p int) ([][]byte, int, int, *splitErr) {
	s.refs, s.scratch = s.refs[:0], s.scratch[:0]
	lines := 0
	i, n := p, len(buf)
	for field := 0; ; field++ {
		j := i
		for j < n && isBlank(buf[j]) {
			j++
		}
		if j < n && buf[j] == '"' {
			startLines := lines
			k, start := j+1, len(s.scratch)
			for {
				q := bytes.IndexByte(buf[k:], '"')
				if q < 0 {
					return nil, 0, 0, &splitErr{ErrQuote, "quoted field is not closed before the end of the file", field, startLines}
				}
				lines += bytes.Count(buf[k:k+q], []byte{'\n'})
				s.scratch = append(s.scratch, buf[k:k+q]...)
				k += q + 1
				if k < n && buf[k] == '"' {
					s.scratch = append(s.scratch, '"')
					k++
					continue
				}
				break
			}
			s.refs = append(s.refs, fieldRef{scratch: true, start: start, end: len(s.scratch)})
			for k < n && (isBlank(buf[k]) || buf[k] == '\r') {
				k++
			}
			switch {
			case k == n:
				return s.done(buf), k, lines, nil
			case buf[k] == ',':
				i = k + 1
			case buf[k] == '\n':
				return s.done(buf), k + 1, lines + 1, nil
			default:
				return nil, 0, 0, &splitErr{ErrQuote, "unexpected text after a closing quote", field, lines}
			}
			continue
		}
		e := j
		for e < n && buf[e] != ',' && buf[e] != '\n' {
			if buf[e] == '"' {
				return nil, 0, 0, &splitErr{ErrQuote, `a quote inside an unquoted field (quote the whole field and double the quote: "a ""b"" c")`, field, lines}
			}
			e++
		}
		b := e
		for b > j && (isBlank(buf[b-1]) || buf[b-1] == '\r') {
			b--
		}
		s.refs = append(s.refs, fieldRef{start: j, end: b})
		switch {
		case e == n:
			return s.done(buf), e, lines, nil
		case buf[e] == '\n':
			return s.done(buf), e + 1, lines + 1, nil
		}
		i = e + 1
	}
}

// done turns the field references of a quoted record into byte slices.
func (s *splitter) done(buf []byte) [][]byte {
	for _, r := range s.refs {
		if r.scratch {
			s.fields = append(s.fields, s.scratch[r.start:r.end])
		} else {
			s.fields = append(s.fields, buf[r.start:r.end])
		}
	}
	return s.fields
}
