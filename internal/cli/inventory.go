package cli

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/spf13/cobra"

	"promocast/data"
	"promocast/dataset"
	"promocast/export"
	"promocast/forecast"
	"promocast/inventory"
)

type inventoryFlags struct {
	model, data, plan, spec, stock, out string
	leadTime, review                    int
	service                             float64
}

func inventoryCmd(e *env) *cobra.Command {
	var f inventoryFlags
	cmd := &cobra.Command{
		Use:   "inventory --model MODEL --data HISTORY --plan PLAN [--stock STOCK] --out ORDERS",
		Short: "Turn the plan's forecast into safety stock, reorder points and orders",
		Long: `inventory forecasts the plan (its P10/P50/P90 need a model trained with
calibration folds) and, per series, computes the safety stock for the service
level over lead time + review period, the reorder point, the order-up-to
level, the order quantity given on-hand and on-order stock, and the
probability of running out before the end of the plan's promotion.

--stock is a table with the series keys and on_hand, and optionally on_order,
lead_time and service_level per series; missing series and columns take the
flags' defaults (on-hand 0).`,
		Example: `  promocast inventory --model model.json --data sales.csv.gz --plan plan.csv --stock stock.csv --lead-time 7 --service-level 0.95 --out orders.csv`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runInventory(e, f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.model, "model", "", "model file (trained with calibration folds)")
	fs.StringVar(&f.data, "data", "", "sales history")
	fs.StringVar(&f.plan, "plan", "", "plan: the coming periods with their promotions")
	fs.StringVar(&f.spec, "spec", "", "dataset spec, for attribute and event files (default: the model's)")
	fs.StringVar(&f.stock, "stock", "", "stock table: keys, on_hand [, on_order, lead_time, service_level]")
	fs.StringVar(&f.out, "out", "", "orders file (.csv, .parquet, .json)")
	fs.IntVar(&f.leadTime, "lead-time", 1, "periods from ordering to receiving, when the stock table gives none")
	fs.IntVar(&f.review, "review", 1, "periods between orders")
	fs.Float64Var(&f.service, "service-level", 0.95, "chance of not running out within lead time + review")
	return cmd
}

// stockRow is one series' stock and policy.
type stockRow struct {
	onHand, onOrder, service float64
	leadTime                 int
}

func runInventory(e *env, f inventoryFlags) error {
	if f.model == "" || f.out == "" {
		return usagef("--model and --out are required")
	}
	in, err := loadModelInputs(f.model, f.spec, f.data, f.plan)
	if err != nil {
		return err
	}
	mf, ds, hist, plan := in.file, in.ds, in.hist, in.plan
	if mf.Model.Calibration == nil {
		return fmt.Errorf("%s has no forecast intervals: train it with --calibration-folds", f.model)
	}
	stock := map[string]stockRow{}
	if f.stock != "" {
		if stock, err = readStock(ds, f.stock, stockRow{service: f.service, leadTime: f.leadTime}); err != nil {
			return err
		}
	}
	res, err := mf.Model.Forecast(hist, plan)
	if err != nil {
		return err
	}
	ids, inputs := inventoryInputs(res, stock, stockRow{service: f.service, leadTime: f.leadTime}, f.review)
	decisions := make([]inventory.Decision, len(inputs))
	for i, in := range inputs {
		if decisions[i], err = inventory.Plan(in); err != nil {
			var ie *inventory.InputError
			if errors.As(err, &ie) {
				return fmt.Errorf("series %s: %s: %s", ids[i], ie.Column(), ie.Msg)
			}
			return fmt.Errorf("series %s: %w", ids[i], err)
		}
	}
	cols := []*data.Column{{Name: "series", Kind: data.String, Str: ids}}
	add := func(name string, v func(d inventory.Decision, in inventory.Input) float64) {
		c := &data.Column{Name: name, Kind: data.Number}
		for i, d := range decisions {
			c.Num = append(c.Num, v(d, inputs[i]))
		}
		cols = append(cols, c)
	}
	add("demand", func(_ inventory.Decision, in inventory.Input) float64 { return sum(in.Mean) })
	add("lead_time", func(_ inventory.Decision, in inventory.Input) float64 { return float64(in.LeadTime) })
	add("service_level", func(_ inventory.Decision, in inventory.Input) float64 { return in.ServiceLevel })
	add("safety_stock", func(d inventory.Decision, _ inventory.Input) float64 { return d.SafetyStock })
	add("reorder_point", func(d inventory.Decision, _ inventory.Input) float64 { return d.ReorderPoint })
	add("order_up_to", func(d inventory.Decision, _ inventory.Input) float64 { return d.OrderUpTo })
	add("position", func(d inventory.Decision, _ inventory.Input) float64 { return d.Position })
	add("order_qty", func(d inventory.Decision, _ inventory.Input) float64 { return d.OrderQty })
	add("reorder", func(d inventory.Decision, _ inventory.Input) float64 { return boolf(d.Reorder) })
	add("stockout_prob", func(d inventory.Decision, _ inventory.Input) float64 { return d.StockoutProb })
	add("stockout_risk", func(d inventory.Decision, _ inventory.Input) float64 { return boolf(d.StockoutRisk) })
	out, err := data.NewFrame(f.out, cols)
	if err != nil {
		return err
	}
	if err := export.Write(f.out, out); err != nil {
		return err
	}
	risky, orders, qty := 0, 0, 0.0
	for _, d := range decisions {
		if d.StockoutRisk {
			risky++
		}
		if d.OrderQty > 0 {
			orders++
			qty += d.OrderQty
		}
	}
	fmt.Fprintf(e.stdout, "%d series: %d need an order (%.0f units in all), %d risk running out during the plan; wrote %s\n",
		len(decisions), orders, qty, risky, f.out)
	return nil
}

// inventoryInputs gathers, per series in the plan (sorted by ID), its
// forecast quantiles in period order and its stock.
func inventoryInputs(res *forecast.Result, stock map[string]stockRow, def stockRow, review int) ([]string, []inventory.Input) {
	rows := map[int][]int{}
	for i, t := range res.Targets {
		rows[t.Series] = append(rows[t.Series], i)
	}
	var series []int
	for s := range rows {
		series = append(series, s)
	}
	sort.Slice(series, func(a, b int) bool { return res.Panel.Series[series[a]].ID < res.Panel.Series[series[b]].ID })
	last := len(res.Levels) - 1
	var ids []string
	var inputs []inventory.Input
	for _, s := range series {
		idx := rows[s]
		sort.Slice(idx, func(a, b int) bool { return res.Targets[idx[a]].Period < res.Targets[idx[b]].Period })
		id := res.Panel.Series[s].ID
		st, ok := stock[id]
		if !ok {
			st = def
		}
		in := inventory.Input{LeadTime: st.leadTime, Review: review, ServiceLevel: st.service, OnHand: st.onHand, OnOrder: st.onOrder}
		for _, i := range idx {
			in.Mean = append(in.Mean, res.Forecast[i])
			in.P10 = append(in.P10, res.ForecastQ[0][i])
			in.P90 = append(in.P90, res.ForecastQ[last][i])
			in.Promo = append(in.Promo, res.Promoted[i])
		}
		ids, inputs = append(ids, id), append(inputs, in)
	}
	return ids, inputs
}

// readStock reads a stock table keyed like the history.
func readStock(d *dataset.Dataset, path string, def stockRow) (map[string]stockRow, error) {
	t, err := readTable(d.Stock, path, "stock")
	if err != nil {
		return nil, err
	}
	onHand, err := t.NeedNumber("on_hand", "stock on hand")
	if err != nil {
		return nil, err
	}
	var keys []*data.Column
	for _, k := range d.Spec.Keys {
		c, err := t.Need(k, "series key")
		if err != nil {
			return nil, err
		}
		keys = append(keys, c)
	}
	opt := func(name string) *data.Column {
		if c := t.Column(name); c != nil && c.Kind == data.Number {
			return c
		}
		return nil
	}
	onOrder, lead, service := opt("on_order"), opt("lead_time"), opt("service_level")
	out := map[string]stockRow{}
	for r := 0; r < t.Rows(); r++ {
		id := ""
		for i, k := range keys {
			if i > 0 {
				id += "|"
			}
			id += k.Text(r)
		}
		row := def
		bad := func(c *data.Column, expected string) error {
			return fmt.Errorf("%s row %d, column %s: %q is not %s", t.Source, r+1, c.Name, c.Text(r), expected)
		}
		row.onHand = onHand.Num[r]
		if !(row.onHand >= 0) {
			return nil, bad(onHand, "a quantity ≥ 0")
		}
		if onOrder != nil && !onOrder.Missing(r) {
			if row.onOrder = onOrder.Num[r]; row.onOrder < 0 {
				return nil, bad(onOrder, "a quantity ≥ 0")
			}
		}
		if lead != nil && !lead.Missing(r) {
			v := lead.Num[r]
			if v < 0 || v != math.Trunc(v) {
				return nil, bad(lead, "a whole number of periods ≥ 0")
			}
			row.leadTime = int(v)
		}
		if service != nil && !service.Missing(r) {
			if row.service = service.Num[r]; !(row.service > 0 && row.service < 1) {
				return nil, bad(service, "a probability between 0 and 1 (exclusive)")
			}
		}
		out[id] = row
	}
	return out, nil
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
