package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"promocast/inventory"
)

// InventoryRequest is the body of POST /v1/inventory: a plan (the coming
// periods with their promotions) and each series' stock. Series missing
// from Stock have nothing on hand and the request's policy.
type InventoryRequest struct {
	Rows         []PlanRow `json:"rows" doc:"the plan: every series' coming periods, from the first after the history"`
	Stock        StockMap  `json:"stock,omitempty" doc:"stock and policy per series ID, each series once"`
	LeadTime     *int      `json:"lead_time,omitempty" doc:"periods from ordering to receiving; default 1"`
	Review       *int      `json:"review,omitempty" doc:"periods between orders; default 1"`
	ServiceLevel *float64  `json:"service_level,omitempty" doc:"chance of not running out within lead time + review; default 0.95"`
}

// StockMap is the stock per series ID. A series given twice is refused,
// as the CLI's stock table refuses it: a JSON object whose key repeats
// would otherwise keep its last value in silence.
type StockMap map[string]StockInput

// UnmarshalJSON reads a JSON object of series IDs to stock, refusing a
// repeated ID and fields StockInput does not have.
func (m *StockMap) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*m = nil
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		var v any
		_ = json.Unmarshal(b, &v)
		return Errorf(http.StatusBadRequest, "stock", "expected a JSON object of series IDs to their stock, got %s", jsonKind(v))
	}
	out := StockMap{}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		id, _ := key.(string)
		var st StockInput
		if err := dec.Decode(&st); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return Errorf(http.StatusBadRequest, joinField("stock."+id, te.Field), "expected %s, got JSON %s", jsonTypeName(te.Type), te.Value)
			}
			if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
				return Errorf(http.StatusBadRequest, "stock."+id+"."+strings.Trim(f, `"`), "unknown field")
			}
			return err
		}
		if _, dup := out[id]; dup {
			return Errorf(http.StatusBadRequest, "stock."+id, "series given twice: expected one stock entry per series")
		}
		out[id] = st
	}
	*m = out
	return nil
}

// StockInput is one series' stock and, optionally, its own policy.
type StockInput struct {
	OnHand       *float64 `json:"on_hand" required:"true" doc:"units on hand now"`
	OnOrder      float64  `json:"on_order,omitempty"`
	LeadTime     *int     `json:"lead_time,omitempty"`
	ServiceLevel *float64 `json:"service_level,omitempty"`
}

// InventoryResponse is the answer of POST /v1/inventory; see package
// inventory for the arithmetic (normal demand with σ from P10 and P90).
type InventoryResponse struct {
	Model  ModelRef          `json:"model"`
	Series []InventorySeries `json:"series" doc:"one per series of the plan whose periods cover its lead time + review, sorted by ID"`
	// LeftOut are the plan's series with fewer periods than their lead
	// time + review, which get no order (a request where every series is
	// short is refused instead).
	LeftOut  []InventoryLeftOut `json:"left_out" doc:"series of the plan with fewer periods than lead time + review: no order; add their periods or shorten lead_time or review"`
	Warnings []string           `json:"warnings" doc:"what the answer leaves out and why; empty when nothing"`
	Millis   float64            `json:"millis"`
}

// InventoryLeftOut is a series of the plan too short to plan stock for.
type InventoryLeftOut struct {
	Series  string `json:"series"`
	Periods int    `json:"periods" doc:"periods the plan holds"`
	Needed  int    `json:"needed" doc:"its lead time + review"`
}

// InventorySeries is one series' stock decision.
type InventorySeries struct {
	Series       string  `json:"series"`
	Periods      int     `json:"periods"`
	Demand       float64 `json:"demand" doc:"expected units over the plan (the mean demand, as money and totals use)"`
	LeadTime     int     `json:"lead_time"`
	ServiceLevel float64 `json:"service_level"`
	SafetyStock  float64 `json:"safety_stock"`
	ReorderPoint float64 `json:"reorder_point"`
	OrderUpTo    float64 `json:"order_up_to"`
	Position     float64 `json:"position" doc:"on hand + on order"`
	OrderQty     float64 `json:"order_qty"`
	Reorder      bool    `json:"reorder" doc:"the position is at or below the reorder point: order now"`
	StockoutProb float64 `json:"stockout_prob" doc:"chance that demand through the last promoted period (the last period without one) exceeds the position"`
	StockoutRisk bool    `json:"stockout_risk" doc:"stockout_prob > 1 − service level"`
	// StockoutPeriod is the period stockout_prob is evaluated at.
	StockoutPeriod string `json:"stockout_period"`
}

func (s *Server) inventory(r *http.Request, req *InventoryRequest) (*InventoryResponse, error) {
	lv, err := s.current()
	if err != nil {
		return nil, err
	}
	if !lv.spec.Inventory {
		return nil, Errorf(http.StatusUnprocessableEntity, "", "model %s version %d has no P10–P90 intervals: train it with calibration folds to plan inventory",
			lv.Entry.Name, lv.Entry.Version)
	}
	def := inventory.Input{LeadTime: 1, Review: 1, ServiceLevel: 0.95}
	if req.LeadTime != nil {
		def.LeadTime = *req.LeadTime
	}
	if req.Review != nil {
		def.Review = *req.Review
	}
	if req.ServiceLevel != nil {
		def.ServiceLevel = *req.ServiceLevel
	}
	res, start, err := scorePlan(s, lv, req.Rows, nil, lv.Scorer.Forecast)
	if err != nil {
		return nil, err
	}
	stock := make(map[string]inventory.Stock, len(req.Stock))
	for _, id := range sortedNames(req.Stock) {
		st := req.Stock[id]
		if st.OnHand == nil {
			return nil, Errorf(http.StatusBadRequest, "stock."+id+".on_hand", "missing: expected the units on hand (0 or more)")
		}
		stock[id] = inventory.Stock{OnHand: *st.OnHand, OnOrder: st.OnOrder, LeadTime: st.LeadTime, ServiceLevel: st.ServiceLevel}
	}
	series, err := inventory.FromForecast(res, stock, def)
	if err != nil {
		return nil, err
	}
	unknown := inventory.Unplanned(stock, series)
	covered, short, err := inventory.Covered(series)
	if err != nil {
		return nil, inventoryError(err, req)
	}
	if len(covered) == 0 && len(short) > 0 {
		sh := short[0]
		return nil, Errorf(http.StatusBadRequest, "rows", "%s: every series of the plan has fewer periods than lead time + review, which the orders must cover; add periods to the plan or shorten lead_time or review",
			sh)
	}
	planned, err := inventory.PlanAll(covered)
	if err != nil {
		return nil, inventoryError(err, req)
	}
	out := &InventoryResponse{Model: lv.Ref(), Series: make([]InventorySeries, len(planned)), LeftOut: []InventoryLeftOut{}, Warnings: []string{}}
	for _, sh := range short {
		out.LeftOut = append(out.LeftOut, InventoryLeftOut{Series: sh.ID, Periods: sh.Periods, Needed: sh.Need})
	}
	if len(short) > 0 {
		out.Warnings = append(out.Warnings, fmt.Sprintf("%d of %d series have fewer plan periods than lead time + review and get no order (%s): see left_out",
			len(short), len(series), short[0]))
	}
	if len(unknown) > 0 {
		out.Warnings = append(out.Warnings, fmt.Sprintf("%d series of the stock are not in the plan, so they get no order: %s",
			len(unknown), strings.Join(unknown[:min(3, len(unknown))], ", ")))
	}
	for i, p := range planned {
		in, d := p.Input, p.Decision
		out.Series[i] = InventorySeries{Series: p.ID, Periods: len(in.Mean), Demand: p.Demand, LeadTime: in.LeadTime, ServiceLevel: in.ServiceLevel,
			SafetyStock: d.SafetyStock, ReorderPoint: d.ReorderPoint, OrderUpTo: d.OrderUpTo, Position: d.Position, OrderQty: d.OrderQty,
			Reorder: d.Reorder, StockoutProb: d.StockoutProb, StockoutRisk: d.StockoutRisk, StockoutPeriod: p.Periods[d.StockoutPeriod]}
	}
	out.Millis = float64(time.Since(start).Microseconds()) / 1000
	s.metrics.rows.WithLabelValues("/v1/inventory").Add(float64(len(req.Rows)))
	s.record("inventory", lv, start, map[string]any{"rows": len(req.Rows), "series": len(series)}, map[string]any{"series": len(planned), "left_out": len(short)})
	return out, nil
}

// inventoryError names the request field behind PlanAll's error about a
// series' input.
func inventoryError(err error, req *InventoryRequest) error {
	var se *inventory.SeriesError
	if !errors.As(err, &se) {
		return err
	}
	var ie *inventory.InputError
	if !errors.As(se.Err, &ie) {
		return se.Err
	}
	id := se.ID
	field := ie.Column()
	_, own := req.Stock[id]
	if ie.Field == "Mean" {
		return Errorf(http.StatusBadRequest, "rows", "series %s: %s", id, ie.Msg)
	}
	if own && field != "review" {
		field = fmt.Sprintf("stock.%s.%s", id, field)
	}
	return Errorf(http.StatusBadRequest, field, "series %s: %s", id, ie.Msg)
}
