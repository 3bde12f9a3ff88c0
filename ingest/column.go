package ingest

import (
	"math"
	"sync/atomic"

	"promocast/data"
)

// mode is how a column's cells are parsed.
type mode uint8

const (
	modeInfer  mode = iota // numbers until a cell is not one, then text
	modeNumber             // forced to numbers: a cell that is not one is an error
	modeText               // forced to text: cells are kept as written
)

// span locates one cell's bytes in a part's byte arena.
type span struct{ off, n uint32 }

// part is one column's cells from one chunk of rows, as a worker parsed them.
//
// In text form spans has one entry per row. In number form num has one entry
// per row (NaN for missing cells and, in an inferred column, for cells that
// are not numbers), and spans/rows list the cells whose text formatPlain
// would not give back, so that the column can still be turned into text
// exactly; bad is the index in spans of the first cell that is not a number,
// or -1.
type part struct {
	text  bool
	num   []float64
	spans []span
	rows  []int32
	bytes []byte
	bad   int
}

func (p *part) keep(b []byte) {
	p.spans = append(p.spans, span{uint32(len(p.bytes)), uint32(len(b))})
	p.bytes = append(p.bytes, b...)
}

func (p *part) cell(i int) []byte {
	s := p.spans[i]
	return p.bytes[s.off : s.off+s.n]
}

// addNumber parses one cell in number form. It reports false when the cell
// is not a number; in an inferred column the cell is then kept as text and
// marked bad.
func (p *part) addNumber(b []byte, row int, m mode) bool {
	if len(b) == 0 {
		p.num = append(p.num, math.NaN())
		return true
	}
	v, plain, ok := parseNumber(b)
	if !ok {
		if !isMissing(b) {
			if m == modeNumber {
				return false
			}
			if p.bad < 0 {
				p.bad = len(p.spans)
			}
		}
		v, plain = math.NaN(), false
	}
	p.num = append(p.num, v)
	if !plain && m == modeInfer {
		p.rows = append(p.rows, int32(row))
		p.keep(b)
	}
	return true
}

// column gathers one output column from its parts, in row order. Number
// parts are kept as they come (no copy) and joined once at the end; text is
// built in str.
type column struct {
	name    string
	field   int  // index of the column in each record
	mode    mode // as asked for; an inferred column may still turn to text
	text    bool // cells are held as text
	blocks  [][]float64
	nrows   int          // rows in blocks or sblocks
	sblocks [][]string   // text parts, joined at the end
	raws    []rawCell    // inferred number column: cells formatPlain would not give back
	fell    *atomic.Bool // set once the column holds text, read by workers
	in      interner
	fmt     []byte
}

// rawCell is the original text of one cell of an inferred number column.
type rawCell struct {
	row  int
	text string
}

// absorb appends a part's cells.
func (c *column) absorb(p *part) {
	switch {
	case p.text:
		if !c.text {
			c.toText()
		}
		str := make([]string, len(p.spans))
		if c.in.on() {
			for i := range p.spans {
				str[i] = c.in.get(p.cell(i))
			}
		} else {
			block := string(p.bytes) // one allocation shared by the part's cells
			for i, s := range p.spans {
				str[i] = block[s.off : s.off+s.n]
			}
		}
		c.sblocks = append(c.sblocks, str)
		c.nrows += len(str)
	case c.text || p.bad >= 0:
		if !c.text {
			c.toText()
		}
		str := make([]string, len(p.num))
		for i, v := range p.num {
			str[i] = c.numText(v)
		}
		for i, r := range p.rows {
			str[r] = c.in.get(p.cell(i))
		}
		c.sblocks = append(c.sblocks, str)
		c.nrows += len(str)
	default:
		for i, r := range p.rows {
			c.raws = append(c.raws, rawCell{c.nrows + int(r), c.in.get(p.cell(i))})
		}
		c.blocks = append(c.blocks, p.num)
		c.nrows += len(p.num)
	}
}

// numText formats v as the text it was read from when that text was plain.
func (c *column) numText(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	c.fmt = formatPlain(c.fmt[:0], v)
	return c.in.get(c.fmt)
}

// toText turns a column of numbers into text, restoring each cell's text.
func (c *column) toText() {
	str := make([]string, 0, c.nrows)
	for _, b := range c.blocks {
		for _, v := range b {
			str = append(str, c.numText(v))
		}
	}
	for _, r := range c.raws {
		str[r.row] = r.text
	}
	c.sblocks = [][]string{str}
	c.blocks, c.raws, c.text = nil, nil, true
	c.fell.Store(true)
}

// finish returns the data column.
func (c *column) finish() *data.Column {
	if c.text {
		str := make([]string, 0, c.nrows)
		for _, b := range c.sblocks {
			str = append(str, b...)
		}
		c.sblocks = nil
		return &data.Column{Name: c.name, Kind: data.String, Str: str}
	}
	num := make([]float64, 0, c.nrows)
	for _, b := range c.blocks {
		num = append(num, b...)
	}
	c.blocks = nil
	return &data.Column{Name: c.name, Kind: data.Number, Num: num}
}
