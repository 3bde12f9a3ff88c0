package export

import (
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"promocast/data"
)

// WriteJSON writes f as a JSON array with one object per row, one object
// per line, keys in column order:
//
//	[
//	{"sku":"A1","units":3},
//	{"sku":"B2","units":null}
//	]
//
// Numbers are written with data.FormatFloat; missing values (NaN and "")
// are null. Infinite numbers have no JSON form and are an error. The bytes
// depend only on the frame.
func WriteJSON(w io.Writer, f *data.Frame) error {
	if err := check(f); err != nil {
		return err
	}
	keys := make([][]byte, len(f.Columns))
	for j, c := range f.Columns {
		keys[j] = append(appendJSONString(nil, c.Name), ':')
	}
	buf := []byte("[")
	for i := range f.Rows() {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n{"...)
		for j, c := range f.Columns {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, keys[j]...)
			switch {
			case c.Missing(i):
				buf = append(buf, "null"...)
			case c.Kind == data.String:
				buf = appendJSONString(buf, c.Str[i])
			case math.IsInf(c.Num[i], 0):
				return fmt.Errorf("row %d, column %s: %v has no JSON form", i+1, c.Name, c.Num[i])
			default:
				buf = append(buf, data.FormatFloat(c.Num[i])...)
			}
		}
		buf = append(buf, '}')
		if len(buf) >= 1<<16 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	buf = append(buf, "\n]\n"...)
	_, err := w.Write(buf)
	return err
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
