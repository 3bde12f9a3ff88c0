package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"promocast/export"
)

// scaleSpec describes the panel generate writes.
const scaleSpec = `# Weekly panel written by promocast-beam generate (a scale test).
time: {column: week, frequency: week}
keys: [sku]
target: units
known: [price, regular_price, feature, unit_cost]
static: [category]
group: category
promotion:
  price: {off: regular_price}
  feature: {off: 0}
cost: {unit_cost: unit_cost}
`

// genConfig sizes a generated panel.
type genConfig struct {
	series, weeks, planWeeks, shards, categories int
	seed                                         uint64
	out                                          string
}

func runGenerate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c genConfig
	fs.IntVar(&c.series, "series", 100_000, "number of series (SKUs)")
	fs.IntVar(&c.weeks, "weeks", 10, "weeks of history per series")
	fs.IntVar(&c.planWeeks, "plan-weeks", 2, "weeks of plan per series")
	fs.IntVar(&c.shards, "shards", 8, "number of history and of plan shards")
	fs.IntVar(&c.categories, "categories", 40, "number of categories (cannibalisation groups)")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed: the same flags write the same bytes")
	fs.StringVar(&c.out, "out", "", "folder for spec.yaml, history-NN.csv and plan-NN.csv")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.out == "" || c.series < 1 || c.weeks < 1 || c.planWeeks < 1 || c.shards < 1 || c.categories < 1 {
		return fmt.Errorf("generate needs --out and positive --series, --weeks, --plan-weeks, --shards and --categories")
	}
	if err := generate(c); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d series × %d weeks (%d history rows) and %d plan weeks in %d shards each to %s\n",
		c.series, c.weeks, c.series*c.weeks, c.planWeeks, c.shards, c.out)
	return nil
}

// generate writes the panel: series k of category k mod categories sells
// a Poisson-like number of units around its own level, with a weekly
// season, a price cut and a feature every few weeks that lift it, and a
// plan that promotes a third of the series in its first week.
func generate(c genConfig) error {
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	if err := export.WriteBytes(filepath.Join(c.out, "spec.yaml"), []byte(scaleSpec)); err != nil {
		return err
	}
	start := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC) // a Monday
	week := func(w int) string { return start.AddDate(0, 0, 7*w).Format("2006-01-02") }
	for k := range c.shards {
		from, to := k*c.series/c.shards, (k+1)*c.series/c.shards
		hist := func(w io.Writer) error {
			b := bufio.NewWriter(w)
			fmt.Fprintln(b, "week,sku,category,units,price,regular_price,feature,unit_cost")
			for s := from; s < to; s++ {
				rng := rand.New(rand.NewPCG(c.seed, uint64(s)))
				level := 2 + 40*rng.Float64()
				reg := math.Round(100*(5+20*rng.Float64())) / 100
				for t := range c.weeks {
					price, feat := reg, 0
					if (t+s)%5 == 0 {
						price, feat = math.Round(80*reg)/100, 1
					}
					mu := level * (1 + 0.2*math.Sin(float64(t+s%7))) * math.Pow(price/reg, -2.5) * (1 + 0.3*float64(feat))
					units := math.Max(0, math.Round(mu+math.Sqrt(mu)*rng.NormFloat64()))
					fmt.Fprintf(b, "%s,sku%06d,cat%02d,%g,%g,%g,%d,%g\n", week(t), s, s%c.categories, units, price, reg, feat, math.Round(60*reg)/100)
				}
			}
			return b.Flush()
		}
		plan := func(w io.Writer) error {
			b := bufio.NewWriter(w)
			fmt.Fprintln(b, "week,sku,price,regular_price,feature,unit_cost")
			for s := from; s < to; s++ {
				rng := rand.New(rand.NewPCG(c.seed, uint64(s)))
				_ = rng.Float64()
				reg := math.Round(100*(5+20*rng.Float64())) / 100
				for t := c.weeks; t < c.weeks+c.planWeeks; t++ {
					price, feat := reg, 0
					if s%3 == 0 && t == c.weeks {
						price, feat = math.Round(75*reg)/100, 1
					}
					fmt.Fprintf(b, "%s,sku%06d,%g,%g,%d,%g\n", week(t), s, price, reg, feat, math.Round(60*reg)/100)
				}
			}
			return b.Flush()
		}
		if err := export.WriteFile(filepath.Join(c.out, fmt.Sprintf("history-%02d.csv", k)), hist); err != nil {
			return err
		}
		if err := export.WriteFile(filepath.Join(c.out, fmt.Sprintf("plan-%02d.csv", k)), plan); err != nil {
			return err
		}
	}
	return nil
}
