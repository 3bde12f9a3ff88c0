package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"promocast/data"
	"promocast/dataset"
	"promocast/export"
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
probability of running out before the end of the plan's promotion. The
demand is the plan's expected units (the mean, as money and totals use), its
spread the P10–P90 interval's.

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

func runInventory(e *env, f inventoryFlags) error {
	if f.model == "" || f.out == "" {
		return usagef("--model and --out are required")
	}
	switch {
	case !(f.service > 0 && f.service < 1):
		return usagef("--service-level %v: expected a chance strictly between 0 and 1, e.g. 0.95", f.service)
	case f.leadTime < 0:
		return usagef("--lead-time %d: expected 0 or more periods", f.leadTime)
	case f.review < 0:
		return usagef("--review %d: expected 0 or more periods", f.review)
	case f.leadTime+f.review == 0:
		return usagef("--lead-time 0 and --review 0 leave no period for the stock to cover: expected at least one of them above 0")
	}
	in, err := loadModelInputs(f.model, f.spec, f.data, f.plan)
	if err != nil {
		return err
	}
	mf, ds, hist, plan := in.file, in.ds, in.hist, in.plan
	if mf.Model.Calibration == nil {
		return fmt.Errorf("%s has no forecast intervals: train it with --calibration-folds", f.model)
	}
	var stock map[string]inventory.Stock
	if f.stock != "" {
		if stock, err = readStock(ds, f.stock); err != nil {
			return err
		}
	}
	res, err := mf.Model.Forecast(hist, plan)
	if err != nil {
		return err
	}
	series, err := inventory.FromForecast(res, stock, inventory.Input{LeadTime: f.leadTime, Review: f.review, ServiceLevel: f.service})
	if err != nil {
		return err
	}
	if unknown := inventory.Unplanned(stock, series); len(unknown) > 0 {
		e.log.Warn(fmt.Sprintf("%d series of the stock table are not in the plan, so they get no order: %s", len(unknown), strings.Join(unknown[:min(3, len(unknown))], ", ")))
	}
	series, short, err := inventory.Covered(series)
	if err != nil {
		return err
	}
	if len(short) > 0 {
		names := make([]string, min(3, len(short)))
		for i := range names {
			names[i] = short[i].String()
		}
		msg := fmt.Sprintf("%d of %d series have fewer plan periods than lead time + review (%s): add plan periods or lower --lead-time or --review",
			len(short), len(series)+len(short), strings.Join(names, "; "))
		if len(series) == 0 {
			return errors.New(msg)
		}
		e.log.Warn(msg + "; they are left out of the orders")
	}
	planned, err := inventory.PlanAll(series)
	if err != nil {
		return err
	}
	ids := make([]string, len(planned))
	for i, p := range planned {
		ids[i] = p.ID
	}
	cols := []*data.Column{{Name: "series", Kind: data.String, Str: ids}}
	add := func(name string, v func(p inventory.Planned) float64) {
		c := &data.Column{Name: name, Kind: data.Number}
		for _, p := range planned {
			c.Num = append(c.Num, v(p))
		}
		cols = append(cols, c)
	}
	add("demand", func(p inventory.Planned) float64 { return p.Demand })
	add("lead_time", func(p inventory.Planned) float64 { return float64(p.Input.LeadTime) })
	add("service_level", func(p inventory.Planned) float64 { return p.Input.ServiceLevel })
	add("safety_stock", func(p inventory.Planned) float64 { return p.Decision.SafetyStock })
	add("reorder_point", func(p inventory.Planned) float64 { return p.Decision.ReorderPoint })
	add("order_up_to", func(p inventory.Planned) float64 { return p.Decision.OrderUpTo })
	add("position", func(p inventory.Planned) float64 { return p.Decision.Position })
	add("order_qty", func(p inventory.Planned) float64 { return p.Decision.OrderQty })
	add("reorder", func(p inventory.Planned) float64 { return boolf(p.Decision.Reorder) })
	add("stockout_prob", func(p inventory.Planned) float64 { return p.Decision.StockoutProb })
	add("stockout_risk", func(p inventory.Planned) float64 { return boolf(p.Decision.StockoutRisk) })
	out, err := data.NewFrame(f.out, cols)
	if err != nil {
		return err
	}
	if err := export.Write(f.out, out); err != nil {
		return err
	}
	risky, orders, qty := 0, 0, 0.0
	for _, p := range planned {
		d := p.Decision
		if d.StockoutRisk {
			risky++
		}
		if d.OrderQty > 0 {
			orders++
			qty += d.OrderQty
		}
	}
	fmt.Fprintf(e.stdout, "%d series: %d need an order (%.0f units in all), %d risk running out during the plan; wrote %s\n",
		len(planned), orders, qty, risky, f.out)
	return nil
}

// readStock reads a stock table keyed like the history.
func readStock(d *dataset.Dataset, path string) (map[string]inventory.Stock, error) {
	t, err := readTable(d.Stock, path, "stock")
	if err != nil {
		return nil, err
	}
	return inventory.ReadStock(t, d.Spec.Keys)
}
