package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"promocast/data"
)

const (
	// chunkSize is how many bytes of input a worker parses at a time.
	chunkSize = 1 << 20
	// maxChunk bounds a chunk that has to grow to hold one long record.
	maxChunk = 256 << 20
	// maxWorkers bounds the goroutines that parse chunks.
	maxWorkers = 4
)

// ReadCSV reads a CSV table from r. name is the file name used in errors and
// as the frame's Source. See the package documentation for the format.
func ReadCSV(r io.Reader, name string, opts Options) (*data.Frame, error) {
	return readCSV(r, name, opts, chunkSize, maxChunk)
}

// chunk is a run of whole records, the unit of parallel parsing.
type chunk struct {
	buf   []byte
	start int   // offset of the first record to parse
	line  int   // line number of buf[start]
	err   error // a read failure found after the chunks before this one; buf is empty
}

// result is what a worker makes of a chunk.
type result struct {
	parts []part
	rows  int
	err   error
}

// csvReader holds the state of one ReadCSV call.
type csvReader struct {
	name    string
	nfields int
	header  []string
	cols    []*column
}

// readCSV is ReadCSV with chunks of about size bytes, none over limit.
func readCSV(r io.Reader, name string, opts Options, size, limit int) (*data.Frame, error) {
	if err := opts.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cut := &cutter{r: r, name: name, size: size, max: max(limit, size), line: 1,
		free: make(chan []byte, 2*maxWorkers+2)}
	first, err := cut.next()
	if err != nil {
		return nil, err
	}
	cr := &csvReader{name: name}
	if first != nil && bytes.HasPrefix(first.buf, []byte("\xef\xbb\xbf")) {
		first.start = 3
	}
	for first != nil && skipBlank(first) {
		line := first.line
		if first, err = cut.next(); err != nil {
			return nil, err
		}
		if first != nil {
			first.line = line
		}
	}
	if first == nil {
		return nil, &ParseError{File: name, Err: ErrEmpty}
	}
	if err := cr.readHeader(first); err != nil {
		return nil, err
	}
	if err := cr.plan(opts); err != nil {
		return nil, err
	}
	if err := cr.run(first, cut); err != nil {
		return nil, err
	}
	out := make([]*data.Column, len(cr.cols))
	for i, c := range cr.cols {
		out[i] = c.finish()
	}
	return data.NewFrame(name, out)
}

// skipBlank moves c.start past blank lines, counting them in c.line, and
// reports whether that used up the chunk.
func skipBlank(c *chunk) bool {
	p := c.start
	for p < len(c.buf) {
		if c.buf[p] == '\n' {
			p++
		} else if c.buf[p] == '\r' && p+1 < len(c.buf) && c.buf[p+1] == '\n' {
			p += 2
		} else {
			break
		}
		c.line++
	}
	c.start = p
	return p == len(c.buf)
}

// readHeader parses the header record at the start of the first chunk and
// moves the chunk's start past it.
func (cr *csvReader) readHeader(c *chunk) error {
	p := c.start
	if err := cr.notCSV(c.buf[p:]); err != nil {
		return err
	}
	var s splitter
	fields, next, lines, serr := s.record(c.buf, p)
	if serr != nil {
		return &ParseError{File: cr.name, Line: c.line + serr.lines, Err: newProblem(serr.kind, "header field %d: %s", serr.field+1, serr.msg)}
	}
	line := c.line
	c.start, c.line = next, c.line+lines
	cr.header = make([]string, len(fields))
	seen := make(map[string]int, len(fields))
	numeric := true
	for i, f := range fields {
		name := string(f)
		if name == "" {
			return &ParseError{File: cr.name, Line: line, Err: newProblem(ErrHeader, "header field %d has no name", i+1)}
		}
		if j, dup := seen[name]; dup {
			return &ParseError{File: cr.name, Line: line, Column: name,
				Err: newProblem(ErrDuplicateColumn, "the name is used twice in the header (fields %d and %d)", j+1, i+1)}
		}
		if !printable(name) {
			return &ParseError{File: cr.name, Line: line,
				Err: newProblem(ErrHeader, "header field %d holds bytes that are not text: expected a CSV file whose first line names the columns", i+1)}
		}
		seen[name] = i
		cr.header[i] = name
		if _, _, ok := parseNumber(f); !ok {
			numeric = false
		}
	}
	if numeric {
		return &ParseError{File: cr.name, Line: line,
			Err: newProblem(ErrHeader, "the header row is missing: line %d holds only numbers (%s)", line, preview(cr.header))}
	}
	cr.nfields = len(fields)
	return nil
}

// notCSV recognises a gzip stream or a Parquet file given a .csv name, so
// that their bytes are neither parsed nor echoed.
func (cr *csvReader) notCSV(b []byte) error {
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return &ParseError{File: cr.name, Err: newProblem(ErrHeader, "the file holds gzip-compressed data: name it .csv.gz")}
	case bytes.HasPrefix(b, []byte("PAR1")):
		return &ParseError{File: cr.name, Err: newProblem(ErrHeader, "the file is a Parquet file: name it .parquet")}
	}
	return nil
}

// printable reports whether a header name is valid UTF-8 without control
// characters other than tab.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

// preview lists the first few names, for messages.
func preview(names []string) string {
	var b bytes.Buffer
	for i, n := range names {
		if i == 3 {
			b.WriteString(", ...")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n)
	}
	return b.String()
}

// plan decides which fields become columns and how each is parsed.
func (cr *csvReader) plan(opts Options) error {
	keep, err := opts.selection(cr.name, cr.header)
	if err != nil {
		return err
	}
	for i, name := range cr.header {
		if !keep[i] {
			continue
		}
		m := modeInfer
		if k, ok := opts.Types[name]; ok {
			m = modeNumber
			if k == data.String {
				m = modeText
			}
		}
		cr.cols = append(cr.cols, &column{name: name, field: i, mode: m, text: m == modeText, fell: new(atomic.Bool)})
	}
	return nil
}

// run parses the chunks after the header on up to maxWorkers goroutines
// and merges their results in input order, so the frame and the first
// error reported do not depend on scheduling.
func (cr *csvReader) run(first *chunk, cut *cutter) error {
	type job struct {
		c   *chunk
		out chan *result
	}
	workers := min(runtime.GOMAXPROCS(0), maxWorkers)
	jobs := make(chan job)
	order := make(chan job, 2*workers)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1 + workers)
	go func() {
		defer wg.Done()
		defer close(jobs)
		defer close(order)
		c := first
		for c != nil {
			j := job{c, make(chan *result, 1)}
			select {
			case order <- j:
			case <-done:
				return
			}
			if c.err != nil {
				j.out <- &result{err: c.err}
				return
			}
			select {
			case jobs <- j:
			case <-done:
				return
			}
			next, err := cut.next()
			if err != nil {
				next = &chunk{err: err}
			}
			c = next
		}
	}()
	for range workers {
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out <- cr.parse(j.c)
				select {
				case cut.free <- j.c.buf: // nothing refers to the chunk's bytes after parsing
				default:
				}
			}
		}()
	}
	defer func() {
		close(done)
		wg.Wait()
	}()
	for j := range order {
		res := <-j.out
		if res.err != nil {
			return res.err
		}
		for i, c := range cr.cols {
			c.absorb(&res.parts[i])
		}
	}
	return nil
}

// parse splits and converts the records of one chunk.
func (cr *csvReader) parse(c *chunk) *result {
	res := &result{parts: make([]part, len(cr.cols))}
	rows := bytes.Count(c.buf[c.start:], []byte{'\n'}) + 1 // at least the number of records
	for i, col := range cr.cols {
		pt := part{text: col.mode == modeText || col.fell.Load(), bad: -1}
		if pt.text {
			pt.spans = make([]span, 0, rows)
		} else {
			pt.num = make([]float64, 0, rows)
		}
		res.parts[i] = pt
	}
	var s splitter
	buf, p, line := c.buf, c.start, c.line
	for p < len(buf) {
		if buf[p] == '\n' {
			p, line = p+1, line+1
			continue
		}
		if buf[p] == '\r' && p+1 < len(buf) && buf[p+1] == '\n' {
			p, line = p+2, line+1
			continue
		}
		fields, next, lines, serr := s.record(buf, p)
		if serr != nil {
			res.err = &ParseError{File: cr.name, Line: line + serr.lines, Column: cr.fieldName(serr.field),
				Err: newProblem(serr.kind, "%s", serr.msg)}
			return res
		}
		if len(fields) != cr.nfields {
			res.err = &ParseError{File: cr.name, Line: line,
				Err: newProblem(ErrFieldCount, "%d fields, but the header has %d", len(fields), cr.nfields)}
			return res
		}
		for i, col := range cr.cols {
			pt := &res.parts[i]
			b := fields[col.field]
			if pt.text {
				pt.keep(b)
			} else if !pt.addNumber(b, res.rows, col.mode) {
				res.err = &ParseError{File: cr.name, Line: line, Column: col.name, Value: string(b),
					Expected: expectedNumber(b), Err: ErrNotNumber}
				return res
			}
		}
		res.rows++
		p, line = next, line+lines
	}
	return res
}

// fieldName names the i-th field, for errors.
func (cr *csvReader) fieldName(i int) string {
	if i < len(cr.header) {
		return cr.header[i]
	}
	return fmt.Sprintf("#%d (beyond the header's %d)", i+1, len(cr.header))
}

// cutter reads the input in chunks that end at record boundaries: after a
// newline outside quotes, or at the end of the input.
type cutter struct {
	r     io.Reader
	name  string
	size  int
	max   int
	carry []byte      // bytes read after the last chunk's end
	free  chan []byte // parsed chunks' buffers, for reuse
	line  int         // line number of carry[0]
	eof   bool
}

// next returns the next chunk, or nil at the end of the input. A read error
// is returned as a *ParseError with the line being read when the input is
// corrupt, and wrapped with the file name otherwise.
func (c *cutter) next() (*chunk, error) {
	if c.eof {
		return nil, nil
	}
	var buf []byte
	select {
	case buf = <-c.free:
	default:
	}
	if cap(buf) < len(c.carry)+c.size/2 {
		buf = make([]byte, 0, c.size+len(c.carry))
	}
	buf = append(buf[:0], c.carry...)
	for {
		var err error
		buf, err = fill(c.r, buf)
		switch {
		case err == io.EOF:
			c.eof, c.carry = true, nil
			if len(buf) == 0 {
				return nil, nil
			}
			return &chunk{buf: buf, line: c.line}, nil
		case err != nil:
			c.eof = true
			line := c.line + bytes.Count(buf, []byte{'\n'})
			if errors.Is(err, ErrCorrupt) {
				return nil, &ParseError{File: c.name, Line: line, Err: err}
			}
			return nil, fmt.Errorf("read %s near line %d: %w", c.name, line, err)
		}
		if cut := boundary(buf); cut > 0 {
			ch := &chunk{buf: buf[:cut:cut], line: c.line}
			c.line += bytes.Count(ch.buf, []byte{'\n'})
			c.carry = append(c.carry[:0:0], buf[cut:]...) // never aliases a chunk, which is recycled
			return ch, nil
		}
		if len(buf) >= c.max {
			c.eof, c.carry = true, nil
			return nil, &ParseError{File: c.name, Line: c.line, Err: newProblem(ErrQuote,
				"no line end outside quotes within %s: a quote is not closed, or this is not a CSV file", byteSize(c.max))}
		}
		buf = append(buf, make([]byte, len(buf))...)[:len(buf)]
	}
}

// fill reads into buf's spare capacity until it is full. It returns io.EOF
// when the input ended, and other errors as they come.
func fill(r io.Reader, buf []byte) ([]byte, error) {
	for len(buf) < cap(buf) {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// boundary returns the offset just past the last newline in buf that is
// outside quotes, or 0 when there is none. buf starts outside quotes; a
// doubled quote inside a quoted field counts twice, so the parity of the
// quotes before a newline tells whether it ends a record.
func boundary(buf []byte) int {
	quote := []byte{'"'}
	q := bytes.Count(buf, quote)
	end := len(buf)
	for {
		nl := bytes.LastIndexByte(buf[:end], '\n')
		if nl < 0 {
			return 0
		}
		if q == 0 {
			return nl + 1
		}
		q -= bytes.Count(buf[nl+1:end], quote)
		if q%2 == 0 {
			return nl + 1
		}
		end = nl
	}
}

// byteSize formats a byte count for messages.
func byteSize(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
