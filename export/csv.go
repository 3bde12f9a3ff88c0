package export

import (
	"fmt"
	"io"
	"math"
	"strings"

	"promocast/data"
)

// WriteCSV writes f as CSV: a header row of column names, then one line per
// row, fields separated by commas, lines ended by "\n". Numbers are written
// with data.FormatFloat, missing values as empty fields. A field is quoted
// when it holds a comma, quote, carriage return or newline, or starts or
// ends with a space or tab (which readers would otherwise trim); quotes
// inside are doubled.
func WriteCSV(w io.Writer, f *data.Frame) error {
	if err := check(f); err != nil {
		return err
	}
	var line []byte
	for j, c := range f.Columns {
		if j > 0 {
			line = append(line, ',')
		}
		line = appendCSVField(line, c.Name)
	}
	line = append(line, '\n')
	for i := range f.Rows() {
		for j, c := range f.Columns {
			if j > 0 {
				line = append(line, ',')
			}
			if c.Kind == data.String {
				line = appendCSVField(line, c.Str[i])
			} else if v := c.Num[i]; !math.IsNaN(v) {
				line = append(line, data.FormatFloat(v)...)
			}
		}
		line = append(line, '\n')
		if len(line) >= 1<<16 {
			if _, err := w.Write(line); err != nil {
				return err
			}
			line = line[:0]
		}
	}
	_, err := w.Write(line)
	return err
}

func appendCSVField(dst []byte, s string) []byte {
	if !needsQuotes(s) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, '"')
		s = s[i+1:]
	}
	dst = append(dst, s...)
	return append(dst, '"')
}

func needsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if strings.ContainsAny(s, ",\"\r\n") {
		return true
	}
	first, last := s[0], s[len(s)-1]
	return first == ' ' || first == '\t' || last == ' ' || last == '\t'
}

// check rejects frames that no format can hold.
func check(f *data.Frame) error {
	if f == nil || len(f.Columns) == 0 {
		return fmt.Errorf("the table has no columns")
	}
	return nil
}
