package ingest_test

import (
	"errors"
	"fmt"
	"strings"

	"promocast/data"
	"promocast/ingest"
)

func ExampleReadCSV() {
	in := `week,store,sku,units,price,feature
2009-01-12,00042,A1,14,1.17,TRUE
2009-01-19,00042,A1,NA,0.99,FALSE
`
	f, err := ingest.ReadCSV(strings.NewReader(in), "sales.csv", ingest.Options{
		Types: map[string]data.Kind{"store": data.String}, // an id, not a quantity
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range f.Columns {
		fmt.Printf("%-7s %-6s %q %q\n", c.Name, c.Kind, c.Text(0), c.Text(1))
	}
	// Output:
	// week    string "2009-01-12" "2009-01-19"
	// store   string "00042" "00042"
	// sku     string "A1" "A1"
	// units   number "14" ""
	// price   number "1.17" "0.99"
	// feature string "TRUE" "FALSE"
}

func ExampleParseError() {
	in := "sku,price\nA1,1.17\nA2,abc\n"
	_, err := ingest.ReadCSV(strings.NewReader(in), "sales.csv", ingest.Options{
		Types: map[string]data.Kind{"price": data.Number},
	})
	fmt.Println(err)
	var pe *ingest.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Line, pe.Column, pe.Value, errors.Is(err, ingest.ErrNotNumber))
	}
	// Output:
	// sales.csv line 3, column price: "abc" is not a number
	// 3 price abc true
}
