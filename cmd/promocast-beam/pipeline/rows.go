package pipeline

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"promocast/data"
)

// A row travels between stages as bytes: its origin (shard index, row
// index in the shard) as two uvarints, then each cell in the frame's column
// order — a number as its 8-byte IEEE bits (NaN survives), text as a
// uvarint length and the bytes. Columns' names and kinds travel once per
// shard, as a schema string.

// origin locates a row in the input: the shard's index in the order the
// shards were given, and the row's index in the shard.
type origin struct{ shard, row int }

func (o origin) less(p origin) bool {
	return o.shard < p.shard || o.shard == p.shard && o.row < p.row
}

// schemaOf encodes a frame's column names and kinds.
func schemaOf(f *data.Frame) string {
	var sb strings.Builder
	for i, c := range f.Columns {
		if i > 0 {
			sb.WriteByte('\x1e')
		}
		sb.WriteString(c.Name)
		sb.WriteByte('\x1f')
		sb.WriteString(c.Kind.String())
	}
	return sb.String()
}

// schema is a decoded schema string.
type schema struct {
	names []string
	kinds []data.Kind
}

func parseSchema(s string) schema {
	var sc schema
	for _, part := range strings.Split(s, "\x1e") {
		name, kind, _ := strings.Cut(part, "\x1f")
		k := data.Number
		if kind == data.String.String() {
			k = data.String
		}
		sc.names, sc.kinds = append(sc.names, name), append(sc.kinds, k)
	}
	return sc
}

// sameSchema returns the one schema every shard of an input has, or an
// error naming the first column whose name or kind differs: shards are
// parts of one table, and a column's kind is only inferred per shard.
func sameSchema(input string, schemas []shardSchema) (schema, error) {
	if len(schemas) == 0 {
		return schema{}, fmt.Errorf("%s: no shards", input)
	}
	slices.SortFunc(schemas, func(a, b shardSchema) int { return a.Shard - b.Shard })
	first := schemas[0]
	for _, o := range schemas[1:] {
		if o.Schema == first.Schema {
			continue
		}
		a, b := parseSchema(first.Schema), parseSchema(o.Schema)
		for i := range max(len(a.names), len(b.names)) {
			switch {
			case i >= len(a.names) || i >= len(b.names) || a.names[i] != b.names[i]:
				return schema{}, fmt.Errorf("%s: shard %s has columns %s, shard %s has %s: every shard needs the same columns in the same order",
					input, first.Path, strings.Join(a.names, ","), o.Path, strings.Join(b.names, ","))
			case a.kinds[i] != b.kinds[i]:
				return schema{}, fmt.Errorf("%s: column %q holds %ss in shard %s but %ss in shard %s: declare its type in the spec (types: {%s: string})",
					input, a.names[i], a.kinds[i], first.Path, b.kinds[i], o.Path, a.names[i])
			}
		}
	}
	return parseSchema(first.Schema), nil
}

// encodeRow encodes row r of f, which came from origin o.
func encodeRow(f *data.Frame, r int, o origin) []byte {
	b := binary.AppendUvarint(nil, uint64(o.shard))
	b = binary.AppendUvarint(b, uint64(o.row))
	for _, c := range f.Columns {
		if c.Kind == data.Number {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c.Num[r]))
			continue
		}
		b = binary.AppendUvarint(b, uint64(len(c.Str[r])))
		b = append(b, c.Str[r]...)
	}
	return b
}

var errCorrupt = errors.New("corrupt row encoding")

// rowOrigin decodes only a row's origin.
func rowOrigin(b []byte) (origin, error) {
	shard, n := binary.Uvarint(b)
	if n <= 0 {
		return origin{}, errCorrupt
	}
	row, m := binary.Uvarint(b[n:])
	if m <= 0 {
		return origin{}, errCorrupt
	}
	return origin{int(shard), int(row)}, nil
}

// decodeFrame builds a frame of schema sc from encoded rows, in the order
// of their origins (the order of the whole input), and returns each
// frame row's origin.
func decodeFrame(source string, sc schema, rows [][]byte) (*data.Frame, []origin, error) {
	origins := make([]origin, len(rows))
	for i, b := range rows {
		o, err := rowOrigin(b)
		if err != nil {
			return nil, nil, err
		}
		origins[i] = o
	}
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		switch {
		case origins[i].less(origins[j]):
			return -1
		case origins[j].less(origins[i]):
			return 1
		}
		return 0
	})
	cols := make([]*data.Column, len(sc.names))
	for k, name := range sc.names {
		cols[k] = &data.Column{Name: name, Kind: sc.kinds[k]}
		if sc.kinds[k] == data.Number {
			cols[k].Num = make([]float64, len(rows))
		} else {
			cols[k].Str = make([]string, len(rows))
		}
	}
	sorted := make([]origin, len(rows))
	for r, i := range order {
		b := rows[i]
		sorted[r] = origins[i]
		_, n := binary.Uvarint(b)
		_, m := binary.Uvarint(b[n:])
		b = b[n+m:]
		for _, c := range cols {
			if c.Kind == data.Number {
				if len(b) < 8 {
					return nil, nil, errCorrupt
				}
				c.Num[r] = math.Float64frombits(binary.LittleEndian.Uint64(b))
				b = b[8:]
				continue
			}
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return nil, nil, errCorrupt
			}
			c.Str[r] = string(b[n : n+int(l)])
			b = b[n+int(l):]
		}
		if len(b) != 0 {
			return nil, nil, errCorrupt
		}
	}
	f, err := data.NewFrame(source, cols)
	return f, sorted, err
}

// bundle packs a series' encoded history and plan rows into one value.
func bundle(hist, plan [][]byte) []byte {
	var b []byte
	for _, part := range [][][]byte{hist, plan} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		for _, r := range part {
			b = binary.AppendUvarint(b, uint64(len(r)))
			b = append(b, r...)
		}
	}
	return b
}

// unbundle appends a bundle's history and plan rows to hist and plan.
func unbundle(b []byte, hist, plan [][]byte) ([][]byte, [][]byte, error) {
	parts := [2][][]byte{hist, plan}
	for k := range parts {
		n, w := binary.Uvarint(b)
		if w <= 0 {
			return nil, nil, errCorrupt
		}
		b = b[w:]
		for range n {
			l, w := binary.Uvarint(b)
			if w <= 0 || uint64(len(b)-w) < l {
				return nil, nil, errCorrupt
			}
			parts[k] = append(parts[k], b[w:w+int(l)])
			b = b[w+int(l):]
		}
	}
	if len(b) != 0 {
		return nil, nil, errCorrupt
	}
	return parts[0], parts[1], nil
}
