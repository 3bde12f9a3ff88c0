package main

import (
	"cmp"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// derivePizza writes to out the pizza panel of the accuracy suite
// (bench/accuracy/run.py's derive_pizza, spec bench/accuracy/pizza.yaml):
// Breakfast at the Frat's frozen pizzas, a row per store, pizza and week it
// sold, with every pizza's shelf price in that store and week as
// cross1..cross12 (carried forward, then back, within the store; empty
// where the pizza never sold there), brands numbered in the order of their
// UPCs.
func derivePizza(breakfast, out string) error {
	pizza := map[string]bool{}
	if err := readCSV(filepath.Join(breakfast, "product.csv"), func(col map[string]int, rec []string) {
		if rec[col["category"]] == "FROZEN PIZZA" {
			pizza[rec[col["upc_id"]]] = true
		}
	}); err != nil {
		return err
	}
	type row struct {
		store, week, upc               string
		units, price, feature, display string
	}
	var rows []row
	if err := readCSV(filepath.Join(breakfast, "transaction.csv.gz"), func(col map[string]int, rec []string) {
		if pizza[rec[col["upc_id"]]] {
			rows = append(rows, row{rec[col["store_id"]], rec[col["week_end_date"]], rec[col["upc_id"]],
				rec[col["units"]], rec[col["price"]], rec[col["feature"]], rec[col["display"]]})
		}
	}); err != nil {
		return err
	}
	var upcs, stores, weeks []string
	for _, r := range rows {
		upcs, stores, weeks = append(upcs, r.upc), append(stores, r.store), append(weeks, r.week)
	}
	for _, xs := range []*[]string{&upcs, &stores, &weeks} {
		slices.Sort(*xs)
		*xs = slices.Compact(*xs)
	}
	brand := map[string]int{}
	for k, u := range upcs {
		brand[u] = k
	}
	// prices[store][week][brand], carried forward then back over the
	// store's weeks.
	weekAt := map[string]int{}
	for k, w := range weeks {
		weekAt[w] = k
	}
	prices := map[string][][]float64{}
	for _, s := range stores {
		grid := make([][]float64, len(weeks))
		for w := range grid {
			grid[w] = make([]float64, len(upcs))
			for b := range grid[w] {
				grid[w][b] = math.NaN()
			}
		}
		prices[s] = grid
	}
	for _, r := range rows {
		p, err := strconv.ParseFloat(r.price, 64)
		if err != nil {
			continue
		}
		prices[r.store][weekAt[r.week]][brand[r.upc]] = p
	}
	for _, grid := range prices {
		for b := range upcs {
			for w := 1; w < len(grid); w++ {
				if math.IsNaN(grid[w][b]) {
					grid[w][b] = grid[w-1][b]
				}
			}
			for w := len(grid) - 2; w >= 0; w-- {
				if math.IsNaN(grid[w][b]) {
					grid[w][b] = grid[w+1][b]
				}
			}
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(strings.Compare(a.store, b.store), brand[a.upc]-brand[b.upc], strings.Compare(a.week, b.week))
	})
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	head := []string{"store_id", "brand", "week_end_date", "units", "price", "feature", "display"}
	for b := range upcs {
		head = append(head, fmt.Sprintf("cross%d", b+1))
	}
	w.Write(head)
	for _, r := range rows {
		rec := []string{r.store, strconv.Itoa(brand[r.upc] + 1), r.week, r.units, r.price, r.feature, r.display}
		for _, p := range prices[r.store][weekAt[r.week]] {
			cell := ""
			if !math.IsNaN(p) {
				cell = strconv.FormatFloat(p, 'g', -1, 64)
			}
			rec = append(rec, cell)
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readCSV calls each with every record of a CSV (gzipped when its name ends
// in .gz) and the columns of its header by name.
func readCSV(path string, each func(col map[string]int, rec []string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if filepath.Ext(path) == ".gz" {
		z, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		r = z
	}
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for k, h := range head {
		col[h] = k
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		each(col, rec)
	}
}
