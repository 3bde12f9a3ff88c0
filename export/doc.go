// Package export writes tables and files so that a run never leaves half a
// file behind.
//
// WriteFile is the primitive: it hands a buffered writer to a callback,
// writes into a temporary file beside the destination, syncs it and renames
// it over the destination. On any failure the temporary file is removed and
// whatever was at the destination before is untouched:
//
//	err := export.WriteFile("model.bin", func(w io.Writer) error {
//		return m.Encode(w)
//	})
//
// Write puts a *data.Frame into a file through WriteFile, choosing the
// format by extension:
//
//	.csv      header row, then rows; numbers via data.FormatFloat, missing
//	          cells empty; fields quoted only when needed (WriteCSV)
//	.csv.gz   the same, gzip-compressed
//	.parquet  one optional column per frame column, in frame order: DOUBLE
//	          for numbers, BYTE_ARRAY STRING for text; missing cells null
//	          (WriteParquet)
//	.json     an array of objects, one per row and line, keys in column
//	          order, missing cells null (WriteJSON)
//
// Every format is deterministic: the same frame gives the same bytes. CSV and
// Parquet files read back with package ingest into the same frame, with one
// caveat of CSV itself: a text column whose every cell looks like a number
// (ids such as "00042") comes back as numbers unless the reader forces its
// kind with ingest.Options.Types.
package export
