package tabular

import (
	"fmt"
	"slices"

	"promocast/data"
	"promocast/ingest"
)

// PredictionColumn names the predictions in the table PredictTable
// returns.
const PredictionColumn = "prediction"

// ReadInput reads the table at path for Predict: the schema's feature
// columns (text features as text, so codes such as "007" keep their
// zeros) and the columns keep, which PredictTable copies to its output.
func (m *Model) ReadInput(path string, keep []string) (*data.Frame, error) {
	opt := ingest.Options{Types: map[string]data.Kind{}}
	for _, ft := range m.Schema.Features {
		opt.Columns = append(opt.Columns, ft.Name)
		if ft.Type != TypeNumber {
			opt.Types[ft.Name] = data.String
		}
	}
	for _, k := range keep {
		if !slices.Contains(opt.Columns, k) {
			opt.Columns = append(opt.Columns, k)
		}
	}
	return ingest.Read(path, opt)
}

// PredictTable predicts every row of f and returns, as a table named
// source, the columns keep of f followed by the predictions
// (PredictionColumn), in f's row order. keep may not name
// PredictionColumn.
func (m *Model) PredictTable(f *data.Frame, keep []string, source string) (*data.Frame, error) {
	if slices.Contains(keep, PredictionColumn) {
		return nil, fmt.Errorf("column to keep %q: the predictions' column has that name", PredictionColumn)
	}
	pred, err := m.Predict(f)
	if err != nil {
		return nil, err
	}
	var cols []*data.Column
	for _, k := range keep {
		c, err := f.Need(k, "column to keep")
		if err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	cols = append(cols, &data.Column{Name: PredictionColumn, Kind: data.Number, Num: pred})
	return data.NewFrame(source, cols)
}
