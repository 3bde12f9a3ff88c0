package inventory

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// z90 is Φ⁻¹(0.9): the distance, in standard deviations, from the median to
// the 90th percentile of a normal distribution.
const z90 = 1.2815515655446004

// Input is the forecast, policy and stock of one series. Period 0 is the first
// future period; all per-period slices that are set must have the same length
// (the horizon).
type Input struct {
	// Mean is the expected demand per period. When nil, P50 is used instead
	// (the normal approximation has mean = median). Values must be ≥ 0.
	Mean []float64
	// P10, P50 and P90 are optional forecast quantiles per period. P10 and
	// P90 go together; when set, they give the per-period standard
	// deviation (P90−P10)/(2·1.2816) and SD must be zero.
	P10, P50, P90 []float64
	// SD is a constant per-period standard deviation of demand, used when
	// P10/P90 are not given. Zero means demand is certain.
	SD float64
	// LeadTime is the number of periods between placing and receiving an
	// order (L ≥ 0).
	LeadTime int
	// Review is the number of periods between orders (R ≥ 0; 0 means
	// continuous review).
	Review int
	// ServiceLevel is the probability of not running out within L+R
	// periods, in (0, 1), e.g. 0.95.
	ServiceLevel float64
	// OnHand is the stock in the warehouse now; OnOrder is stock ordered and
	// not yet received. Both ≥ 0.
	OnHand, OnOrder float64
	// Promo marks promotion periods (optional; same length as the horizon).
	// The stockout probability is evaluated through the last marked period.
	Promo []bool
}

// Decision is the stock decision for one series. Quantities are in demand
// units; see the package documentation for the formulas.
type Decision struct {
	// Z is Φ⁻¹(ServiceLevel).
	Z float64
	// ProtectionSD is the standard deviation of demand over the first L+R
	// periods, sqrt(Σ σ_t²).
	ProtectionSD float64
	// LeadTimeDemand and ProtectionDemand are the expected demand over the
	// first L and L+R periods.
	LeadTimeDemand, ProtectionDemand float64
	// SafetyStock is max(0, Z·ProtectionSD).
	SafetyStock float64
	// ReorderPoint is LeadTimeDemand + SafetyStock.
	ReorderPoint float64
	// OrderUpTo is ProtectionDemand + SafetyStock.
	OrderUpTo float64
	// Position is OnHand + OnOrder.
	Position float64
	// OrderQty is max(0, OrderUpTo − Position).
	OrderQty float64
	// Reorder reports Position ≤ ReorderPoint and OrderQty > 0: under a
	// reorder-point policy an order of OrderQty is due now.
	Reorder bool
	// CumStockoutProb[t] is the probability that demand in periods 0..t
	// exceeds Position.
	CumStockoutProb []float64
	// StockoutPeriod is the period at which StockoutProb is evaluated: the
	// last Promo period, or the last period when none is marked.
	StockoutPeriod int
	// StockoutProb is CumStockoutProb[StockoutPeriod].
	StockoutProb float64
	// StockoutRisk reports StockoutProb > 1 − ServiceLevel.
	StockoutRisk bool
}

// InputError reports an invalid Input. Period is the offending period, or −1
// when the error is not about one period.
type InputError struct {
	Field  string
	Period int
	Msg    string
}

func (e *InputError) Error() string {
	if e.Period >= 0 {
		return fmt.Sprintf("inventory: %s[%d]: %s", e.Field, e.Period, e.Msg)
	}
	return fmt.Sprintf("inventory: %s: %s", e.Field, e.Msg)
}

// Column names the invalid field as the stock table and the API name it
// (lead_time, review, service_level, on_hand, on_order, sd) and the forecast
// fields in lower case (mean, p10, p50, p90, promo).
func (e *InputError) Column() string {
	switch e.Field {
	case "LeadTime":
		return "lead_time"
	case "ServiceLevel":
		return "service_level"
	case "OnHand":
		return "on_hand"
	case "OnOrder":
		return "on_order"
	}
	return strings.ToLower(e.Field)
}

// Plan computes the stock decision for one series. It returns an *InputError
// when the input is invalid.
func Plan(in Input) (Decision, error) {
	mean, sigma, err := demand(&in)
	if err != nil {
		return Decision{}, err
	}
	L, R := in.LeadTime, in.Review
	z := distuv.UnitNormal.Quantile(in.ServiceLevel)

	var d Decision
	d.Z = z
	var variance float64
	for t := 0; t < L+R; t++ {
		if t < L {
			d.LeadTimeDemand += mean[t]
		}
		d.ProtectionDemand += mean[t]
		variance += sigma[t] * sigma[t]
	}
	d.ProtectionSD = math.Sqrt(variance)
	d.SafetyStock = math.Max(0, z*d.ProtectionSD)
	d.ReorderPoint = d.LeadTimeDemand + d.SafetyStock
	d.OrderUpTo = d.ProtectionDemand + d.SafetyStock
	d.Position = in.OnHand + in.OnOrder
	d.OrderQty = math.Max(0, d.OrderUpTo-d.Position)
	d.Reorder = d.Position <= d.ReorderPoint && d.OrderQty > 0

	d.CumStockoutProb = make([]float64, len(mean))
	var cumMean, cumVar float64
	for t := range mean {
		cumMean += mean[t]
		cumVar += sigma[t] * sigma[t]
		d.CumStockoutProb[t] = exceedProb(cumMean, math.Sqrt(cumVar), d.Position)
	}
	d.StockoutPeriod = len(mean) - 1
	if p := lastPromo(in.Promo); p >= 0 {
		d.StockoutPeriod = p
	}
	d.StockoutProb = d.CumStockoutProb[d.StockoutPeriod]
	d.StockoutRisk = d.StockoutProb > 1-in.ServiceLevel
	return d, nil
}

// exceedProb is P(X > stock) for X ~ N(mu, sd²); with sd = 0 it is 1 when
// mu > stock and 0 otherwise.
func exceedProb(mu, sd, stock float64) float64 {
	if sd == 0 {
		if mu > stock {
			return 1
		}
		return 0
	}
	return distuv.UnitNormal.Survival((stock - mu) / sd)
}

func lastPromo(promo []bool) int {
	for t := len(promo) - 1; t >= 0; t-- {
		if promo[t] {
			return t
		}
	}
	return -1
}
