package tune

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WriteCSV writes the trials as CSV: trial, config, rung, budget, score,
// seconds, error, then one column per parameter of the space in name
// order. Floats are in their shortest exact form; a failed trial's score
// is empty.
func (r *Results) WriteCSV(w io.Writer) error {
	names := r.Space.names()
	cw := csv.NewWriter(w)
	header := append([]string{"trial", "config", "rung", "budget", "score", "seconds", "error"}, names...)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, t := range r.Trials {
		score := ""
		if t.Err == "" {
			score = formatFloat(t.Score)
		}
		rec := []string{strconv.Itoa(t.ID), strconv.Itoa(t.Config), strconv.Itoa(t.Rung),
			formatFloat(t.Budget), score, formatFloat(t.Seconds), t.Err}
		for _, n := range names {
			rec = append(rec, formatValue(t.Params[n]))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return formatFloat(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}
