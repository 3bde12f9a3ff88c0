// Package ingest reads a user's long-format table (one row per series and
// period) from CSV, gzip-compressed CSV or Parquet into a *data.Frame.
//
//	f, err := ingest.Read("transaction.csv.gz", ingest.Options{
//		Types:   map[string]data.Kind{"store_id": data.String}, // ids stay text
//		Columns: []string{"week_start", "store_id", "upc_id", "units", "price"},
//	})
//
// Read picks the format by extension (.csv, .csv.gz, .parquet); ReadCSV and
// ReadParquet read from a reader.
//
// # CSV
//
// The first non-blank line is the header; names must be non-empty and
// distinct, and a header of nothing but numbers is taken to be a missing
// header. Fields are separated by commas and may be quoted as RFC 4180 says
// (a quoted field may hold commas, newlines and doubled quotes). Spaces and
// tabs around unquoted fields are trimmed; \r\n and \n both end lines;
// blank lines are skipped; a UTF-8 byte order mark is ignored. Every row must
// have as many fields as the header.
//
// Each column is a number column when every cell is a finite number as
// strconv.ParseFloat reads it, or a missing token: "" NA N/A NaN nan null
// NULL. The text NaN is therefore a missing value, never a number; +Inf,
// Inf, infinity and numbers too large for float64 (1e999) are not numbers
// at all, so a column holding one is text, and a column forced to numbers
// fails on it ("a finite number" expected). Otherwise it is text, kept
// exactly as written (missing tokens too; only "" is a missing text cell). TRUE/FALSE stay text; callers decide what
// they mean. Options.Types overrides inference: a column forced to text is
// never parsed, one forced to numbers fails on the first cell that is not a
// number.
//
// Reading streams: chunks of about 1 MiB are cut at record boundaries and
// parsed on up to four goroutines, then joined in file order, so results and
// errors do not depend on scheduling. A column is parsed into float64s
// optimistically; when a cell turns out not to be a number the column turns
// to text, rebuilding earlier cells from their numbers. Only the cells whose
// text would not come back exactly from the number are held as text until
// then (1.50, 007, 1e3, integers of 16 or more digits, missing tokens), so
// an all-numeric file costs 8 bytes per cell. A decimal of 16–17 significant
// digits is assumed to be in shortest form, as Go, Python and pandas write
// floats; if it was not, a column that later turns to text gets the shortest
// form back. Text columns share repeated values (dates, store names) up to
// 65,536 distinct values per column. Parsed chunks are joined into one slice
// per column at the end, so memory peaks at about twice the frame's size
// (16 bytes per number cell) plus a few MiB of input buffers.
//
// # Parquet
//
// Parquet files are read with github.com/parquet-go/parquet-go; any writer
// works (pyarrow, Spark, DuckDB, Impala, parquet-go) as long as every column
// is flat (no lists, maps or structs). Types map to kinds as follows; nulls
// and stored NaNs become missing cells, and a stored infinity is an error.
//
//	BOOLEAN                          number, 1 for true and 0 for false
//	INT32, INT64 (signed/unsigned)   number (exact up to 2^53)
//	FLOAT, DOUBLE                    number (FLOAT via its shortest decimal)
//	DECIMAL (any storage)            number, scaled
//	FLOAT16                          number
//	BYTE_ARRAY, STRING, ENUM, JSON   text
//	DATE                             text, 2006-01-02
//	TIMESTAMP (ms, µs, ns), INT96    text, RFC 3339 in UTC (e.g. 2009-01-12T08:30:00.5Z);
//	                                 timestamps not adjusted to UTC are read as UTC
//	TIME                             text, 15:04:05.999999999
//	UUID                             text, 8-4-4-4-12 hex
//
// Options.Types can force a number column to text (integers are then
// written exactly, so 64-bit ids survive) or a text column to numbers.
//
// # Errors
//
// Problems with the content are *ParseError values that name the file, the
// line (CSV) or row (Parquet), the column and the value where they can:
//
//	transaction.csv.gz line 1043, column price: "abc" is not a number
//	transaction.csv line 7: 12 fields, but the header has 13
//
// A .csv file that holds gzip or Parquet bytes, or a header with bytes that
// are not text, is refused as ErrHeader without echoing the bytes.
//
// errors.Is tells the kind: ErrEmpty, ErrHeader, ErrDuplicateColumn,
// ErrFieldCount, ErrQuote, ErrNotNumber, ErrCorrupt (a damaged gzip stream
// or Parquet file) and ErrUnsupported. Options naming a column the file
// lacks give a *data.MissingColumnError, which names the column's role when
// Options.Roles gives one.
package ingest
