package serve

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"promocast/data"
	"promocast/tabular"
	"promocast/uplift"
)

// UpliftRequest is the body of POST /v1/uplift.
type UpliftRequest struct {
	Rows   []PlanRow          `json:"rows" doc:"customers: the uplift model's feature columns by name, numbers as numbers and categories as text"`
	Costs  map[string]float64 `json:"costs,omitempty" doc:"cost of giving each treatment to one customer, by treatment name; unnamed treatments cost 0"`
	Value  float64            `json:"value,omitempty" doc:"value of one unit of the outcome; default 1"`
	Budget float64            `json:"budget,omitempty" doc:"total cost the policy may spend; 0 means no cap"`
	Count  int                `json:"count,omitempty" doc:"most customers the policy may treat; 0 means no cap"`
}

// UpliftResponse is the answer of POST /v1/uplift: each customer's
// predicted uplift per treatment and the treatment the policy gives them.
type UpliftResponse struct {
	Learner    string      `json:"learner" doc:"the meta-learner: s, t, x or dr"`
	Control    string      `json:"control" doc:"the arm that means no treatment"`
	Treatments []string    `json:"treatments" doc:"the order of each row's uplift values"`
	Rows       []UpliftRow `json:"rows" doc:"one per customer, in request order"`
	Policy     UpliftTotal `json:"policy"`
	Millis     float64     `json:"millis"`
}

// UpliftRow is one customer's predicted uplifts and chosen treatment.
type UpliftRow struct {
	Uplift    []float64 `json:"uplift" doc:"expected change of the outcome under each treatment against the control"`
	Treatment string    `json:"treatment" doc:"the treatment the policy gives, or the control's name for none"`
}

// UpliftTotal sums the policy over the request's customers.
type UpliftTotal struct {
	Count []int   `json:"count" doc:"customers per arm, the control (no treatment) first, then treatments in order"`
	Cost  float64 `json:"cost"`
	Gain  float64 `json:"gain" doc:"the model's expected incremental outcome of the policy"`
	Net   float64 `json:"net" doc:"value × gain − cost"`
}

// RegisterUplift adds POST /v1/uplift, answered by m, to the server.
func (s *Server) RegisterUplift(m *uplift.Model) error {
	if m.Schema == nil {
		return fmt.Errorf("serve: the uplift model was fitted on a matrix, not a table: it cannot read request rows")
	}
	return s.Register(JSONRoute("POST", "/v1/uplift", "Predict customers' uplift per treatment and choose a treatment (or none) per customer under costs and a budget",
		ScopeRead, &s.opt.Limits, func(r *http.Request, req *UpliftRequest) (*UpliftResponse, error) { return s.uplift(m, req) }))
}

func (s *Server) uplift(m *uplift.Model, req *UpliftRequest) (*UpliftResponse, error) {
	if err := s.checkRows(len(req.Rows)); err != nil {
		return nil, err
	}
	start := time.Now()
	f, err := upliftFrame(m.Schema, req.Rows)
	if err != nil {
		return nil, err
	}
	d, err := m.Encode(f)
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "rows", "%v", err)
	}
	tau, err := m.Uplift(d.X)
	if err != nil {
		return nil, err
	}
	p, err := uplift.Choose(tau, m.Arms, uplift.PolicyConfig{Value: req.Value, Costs: req.Costs, Budget: req.Budget, Count: req.Count})
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "", "%v", err)
	}
	resp := &UpliftResponse{Learner: m.Learner, Control: m.Arms[0], Treatments: m.Treatments(),
		Rows:   make([]UpliftRow, len(req.Rows)),
		Policy: UpliftTotal{Count: p.Count, Cost: p.Cost, Gain: p.Gain, Net: p.Net}}
	for i := range resp.Rows {
		u := make([]float64, len(tau))
		for k := range tau {
			u[k] = tau[k][i]
		}
		resp.Rows[i] = UpliftRow{Uplift: u, Treatment: m.Arms[p.Arm[i]]}
	}
	resp.Millis = float64(time.Since(start).Microseconds()) / 1000
	return resp, nil
}

// upliftFrame builds a table of the schema's feature columns from JSON
// rows: numbers for numeric features, text (or numbers, as text) for the
// others; an absent or null cell is missing.
func upliftFrame(s *tabular.Schema, rows []PlanRow) (*data.Frame, error) {
	var cols []*data.Column
	for _, ft := range s.Features {
		c := &data.Column{Name: ft.Name, Kind: data.String}
		if ft.Type == tabular.TypeNumber {
			c.Kind = data.Number
		}
		for i, r := range rows {
			v := r[ft.Name]
			switch x := v.(type) {
			case nil:
				if c.Kind == data.Number {
					c.Num = append(c.Num, math.NaN())
				} else {
					c.Str = append(c.Str, "")
				}
			case float64:
				if c.Kind == data.Number {
					c.Num = append(c.Num, x)
				} else {
					c.Str = append(c.Str, strconv.FormatFloat(x, 'g', -1, 64))
				}
			case string:
				if c.Kind == data.Number {
					return nil, Errorf(http.StatusBadRequest, rowField(i, ft.Name), "%q: expected a number", x)
				}
				c.Str = append(c.Str, x)
			case bool:
				if ft.Type != tabular.TypeBool {
					return nil, Errorf(http.StatusBadRequest, rowField(i, ft.Name), "%v: expected a %s", x, ft.Type)
				}
				c.Str = append(c.Str, strconv.FormatBool(x))
			default:
				return nil, Errorf(http.StatusBadRequest, rowField(i, ft.Name), "%v: expected a number or text", v)
			}
		}
		cols = append(cols, c)
	}
	return data.NewFrame("request", cols)
}
