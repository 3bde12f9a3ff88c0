package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"promocast/recommend"
)

func recommendCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "recommend",
		Short: "Predict the items each customer buys in their next basket",
		Long: `Next-basket recommendation: for each customer, the items most likely in their
next basket, with calibrated probabilities, split into repeats and new items.

Input is either the long format (one row per purchased item: customer, basket
id or time, item; CSV, CSV.gz or Parquet) or the basket-sequence JSON of the
next-basket benchmarks ({customer: [[item, ...], ...]}, .json or .json.gz).
A re-ranker of gradient-boosted trees learns from each customer's last
basket, with features from the baskets before it only.`,
		Example: `  promocast recommend fit --history tafeng_history.json.gz --out rec.json
  promocast recommend predict --model rec.json --history tafeng_history.json.gz --k 10 --out next.csv
  promocast recommend evaluate --history tafeng_history.json.gz --future tafeng_future.json.gz
  promocast recommend evaluate --history baskets.csv --basket-col date   # holds out each last basket`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(recommendFitCmd(e), recommendPredictCmd(e), recommendEvaluateCmd(e))
	return cmd
}

// recommendInput names the history file and its columns.
type recommendInput struct {
	history string
	cols    recommend.LongColumns
}

func (in *recommendInput) register(fs *pflag.FlagSet) {
	fs.StringVar(&in.history, "history", "", "basket history: long format (.csv, .csv.gz, .parquet) or basket-sequence JSON (.json, .json.gz)")
	fs.StringVar(&in.cols.Customer, "customer-col", "customer", "long format: the customer column")
	fs.StringVar(&in.cols.Basket, "basket-col", "basket", "long format: the column that orders baskets (basket id, date or time)")
	fs.StringVar(&in.cols.Item, "item-col", "item", "long format: the item column")
}

func (in *recommendInput) read(e *env, cat *recommend.Catalog) (*recommend.Baskets, error) {
	if in.history == "" {
		return nil, usagef("--history is required: the customers' baskets")
	}
	start := time.Now()
	b, err := recommend.Read(in.history, in.cols, cat)
	if err != nil {
		return nil, err
	}
	e.log.Info("read history", "customers", b.NumCustomers(), "baskets", b.TotalBaskets(), "items", cat.NumItems(), "seconds", roundSeconds(time.Since(start)))
	return b, nil
}

// recommendSettings are the fitting flags.
type recommendSettings struct {
	seed    uint64
	threads int
}

func (s *recommendSettings) register(fs *pflag.FlagSet) {
	fs.Uint64Var(&s.seed, "seed", 0, "seed: chooses the validation customers and seeds the trees")
	fs.IntVar(&s.threads, "threads", 0, "goroutines to use (0 = all cores); results do not depend on it")
}

func (s *recommendSettings) settings() recommend.Settings {
	return recommend.Settings{Seed: s.seed, Threads: s.threads}
}

func (e *env) fitRecommender(b *recommend.Baskets, s recommend.Settings) (*recommend.Model, error) {
	start := time.Now()
	m, rep, err := recommend.Fit(b, s)
	if err != nil {
		return nil, err
	}
	if err := rep.WriteText(e.stdout); err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stdout, "fit took %s\n\n", time.Since(start).Round(100*time.Millisecond))
	return m, nil
}

func recommendFitCmd(e *env) *cobra.Command {
	var in recommendInput
	var rs recommendSettings
	var out string
	cmd := &cobra.Command{
		Use:   "fit --history BASKETS --out MODEL",
		Short: "Learn the re-ranker from a basket history and save it",
		Long: `Learn the re-ranker from every customer's last basket, with features from the
baskets before it, and write the model (JSON, atomically). It prints the
validation scores of the re-ranker and of every baseline on the held-out
share of customers.`,
		Example: `  promocast recommend fit --history tafeng_history.json.gz --out rec.json
  promocast recommend fit --history orders.parquet --customer-col user_id --basket-col order_time --item-col sku --out rec.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("--out is required: the model file to write")
			}
			b, err := in.read(e, recommend.NewCatalog())
			if err != nil {
				return err
			}
			m, err := e.fitRecommender(b, rs.settings())
			if err != nil {
				return err
			}
			if err := recommend.WriteModel(out, m); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "wrote %s\n", out)
			return nil
		},
	}
	in.register(cmd.Flags())
	rs.register(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "model file to write")
	return cmd
}

func recommendPredictCmd(e *env) *cobra.Command {
	var in recommendInput
	var modelPath, out string
	var k int
	cmd := &cobra.Command{
		Use:   "predict --model MODEL --history BASKETS --out RECOMMENDATIONS",
		Short: "Recommend each customer's most likely next items",
		Long: `Write each customer's top k items with the probability that each is in their
next basket, and whether it is a repeat or a new item: one row per customer
and item (customer, rank, item, probability, kind). The history may be newer
than the one the model was fitted on; item statistics and neighbours are
computed from it.`,
		Example: `  promocast recommend predict --model rec.json --history tafeng_history.json.gz --k 10 --out next.csv`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if modelPath == "" || out == "" {
				return usagef("--model and --out are required")
			}
			if k <= 0 {
				return usagef("--k is %d: expected a positive number of items", k)
			}
			m, err := recommend.ReadModel(modelPath)
			if err != nil {
				return err
			}
			b, err := in.read(e, recommend.NewCatalog())
			if err != nil {
				return err
			}
			start := time.Now()
			recs, err := m.Recommend(b, k)
			if err != nil {
				return err
			}
			if err := recommend.WriteRecommendations(out, recs); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "recommended %d items to each of %d customers in %s; wrote %s\n",
				k, len(recs), time.Since(start).Round(100*time.Millisecond), out)
			return nil
		},
	}
	in.register(cmd.Flags())
	cmd.Flags().StringVar(&modelPath, "model", "", "model file from 'promocast recommend fit'")
	cmd.Flags().IntVar(&k, "k", 10, "items per customer")
	cmd.Flags().StringVar(&out, "out", "", "file to write: .csv, .csv.gz, .parquet or .json")
	return cmd
}

func recommendEvaluateCmd(e *env) *cobra.Command {
	var in recommendInput
	var rs recommendSettings
	var modelPath, future, ks string
	cmd := &cobra.Command{
		Use:   "evaluate --history BASKETS [--future NEXT] [--model MODEL]",
		Short: "Score the re-ranker and every baseline against next baskets",
		Long: `Recommend from the history with the re-ranker and with every baseline
(popularity, personal top frequency, GP-TopFreq, TIFU-style decayed
frequency alone and with its nearest customers as TIFU-KNN, item-KNN, EASE^R)
and score the lists against each customer's next
basket: recall@k, NDCG@k, hit rate and the repeat / new breakdown, over every
customer with a next basket. Without --future, each customer's last basket is
held out as the next one. Without --model, the re-ranker is fitted on the
history first (never on the next baskets). A --model fitted on a history that
holds the next baskets has seen them: its scores are not honest.`,
		Example: `  promocast recommend evaluate --history tafeng_history.json.gz --future tafeng_future.json.gz
  promocast recommend evaluate --history orders.csv --basket-col date --k 5,10
  promocast recommend evaluate --history jan-to-may.csv --future june.csv --model rec.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kList, err := parseKs(ks)
			if err != nil {
				return err
			}
			start := time.Now()
			cat := recommend.NewCatalog()
			hist, err := in.read(e, cat)
			if err != nil {
				return err
			}
			var next *recommend.Baskets
			if future != "" {
				if next, err = recommend.Read(future, in.cols, cat); err != nil {
					return err
				}
			} else {
				hist, next = hist.Split()
			}
			var m *recommend.Model
			if modelPath != "" {
				if m, err = recommend.ReadModel(modelPath); err != nil {
					return err
				}
			} else if m, err = e.fitRecommender(hist, rs.settings()); err != nil {
				return err
			}
			evStart := time.Now()
			ev, err := m.Evaluate(hist, next, kList)
			if err != nil {
				return err
			}
			if err := ev.WriteText(e.stdout); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "\nevaluation took %s; %s in all\n",
				time.Since(evStart).Round(100*time.Millisecond), time.Since(start).Round(100*time.Millisecond))
			return nil
		},
	}
	in.register(cmd.Flags())
	rs.register(cmd.Flags())
	cmd.Flags().StringVar(&future, "future", "", "each customer's next basket, in the history's format (default: hold out each last basket)")
	cmd.Flags().StringVar(&modelPath, "model", "", "model file from 'promocast recommend fit' (default: fit one on the history)")
	cmd.Flags().StringVar(&ks, "k", "10,20", "list lengths to score, comma-separated")
	return cmd
}

// parseKs reads a comma-separated list of positive list lengths.
func parseKs(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k <= 0 {
			return nil, usagef("--k %q: expected positive whole numbers separated by commas, e.g. 10,20", s)
		}
		out = append(out, k)
	}
	return out, nil
}
