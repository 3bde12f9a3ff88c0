package export

import (
	"compress/gzip"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"promocast/data"
)

// Write writes f to path atomically (see WriteFile), in the format the
// extension names (case does not matter): .csv, .csv.gz, .parquet or .json.
func Write(path string, f *data.Frame) error {
	var write func(io.Writer, *data.Frame) error
	switch lower := strings.ToLower(filepath.Base(path)); {
	case strings.HasSuffix(lower, ".csv.gz"):
		write = writeCSVGzip
	case strings.HasSuffix(lower, ".csv"):
		write = WriteCSV
	case strings.HasSuffix(lower, ".parquet"):
		write = WriteParquet
	case strings.HasSuffix(lower, ".json"):
		write = WriteJSON
	default:
		return fmt.Errorf("write %s: unknown file type (want .csv, .csv.gz, .parquet or .json)", path)
	}
	return WriteFile(path, func(w io.Writer) error { return write(w, f) })
}

// writeCSVGzip writes CSV through gzip. The gzip header carries no name or
// time, so the bytes depend only on the frame.
func writeCSVGzip(w io.Writer, f *data.Frame) error {
	zw := gzip.NewWriter(w)
	if err := WriteCSV(zw, f); err != nil {
		return err
	}
	return zw.Close()
}
