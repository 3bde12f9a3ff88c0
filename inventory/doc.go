// Package inventory turns demand forecasts into stock decisions: safety
// stock, reorder point, order-up-to level, order quantity, and the chance of
// running out of stock before a promotion ends.
//
// # Using it
//
// One Input describes one series (a product, or product×store): its demand
// forecast over the next periods, the replenishment policy and the stock it
// has now.
//
//	d, err := inventory.Plan(inventory.Input{
//		Mean:         []float64{100, 100, 250, 250, 100, 100}, // forecast units per period
//		P10:          []float64{80, 80, 190, 190, 80, 80},     // optional quantiles
//		P90:          []float64{120, 120, 310, 310, 120, 120},
//		LeadTime:     2,    // periods from order to arrival
//		Review:       1,    // periods between orders
//		ServiceLevel: 0.95, // probability of not running out within L+R
//		OnHand:       550,
//		OnOrder:      100,
//		Promo:        []bool{false, false, true, true, false, false},
//	})
//	// d.OrderQty units to order now; d.StockoutProb is the chance that
//	// demand through the last promotion period exceeds on-hand + on-order.
//
// Plan never panics on bad input; it returns an *InputError naming the field
// (Column gives the stock table's name for it) and period.
//
// From a forecast, FromForecast gathers each series' Input (its forecast,
// P10 and P90 over the plan, its Stock over a default policy) and PlanAll
// plans them all, naming a refused series in a *SeriesError: what
// 'promocast inventory' and the server's POST /v1/inventory both run.
//
// # The arithmetic (normal approximation)
//
// Period 0 is the first future period. Demand in period t is taken to be
// normal with mean μ_t (Mean, or P50 when Mean is nil) and standard deviation
// σ_t, where
//
//	σ_t = (P90_t − P10_t) / (2·z₀.₉)   when P10 and P90 are given, z₀.₉ = 1.2815515655…
//	σ_t = SD                           otherwise (SD = 0: demand is certain)
//
// and periods are independent. With L = LeadTime, R = Review,
// z = Φ⁻¹(ServiceLevel) and the protection window of the first L+R periods:
//
//	SafetyStock      = z·sqrt(Σ_{t<L+R} σ_t²)   (= z·σ·sqrt(L+R) when σ_t = σ)
//	LeadTimeDemand   = Σ_{t<L} μ_t
//	ProtectionDemand = Σ_{t<L+R} μ_t
//	ReorderPoint     = LeadTimeDemand + SafetyStock
//	OrderUpTo        = ProtectionDemand + SafetyStock
//	Position         = OnHand + OnOrder
//	OrderQty         = max(0, OrderUpTo − Position)
//
// SafetyStock is never negative: a service level below 0.5 gives z < 0 and is
// clamped to zero safety stock (the reorder point is then the expected
// demand).
//
// Stockout risk assumes everything on order arrives in time to be sold, so
// the available stock is Position. For every period t,
//
//	CumStockoutProb[t] = P(Σ_{u≤t} D_u > Position) = 1 − Φ((Position − Σ_{u≤t} μ_u) / sqrt(Σ_{u≤t} σ_u²))
//
// (0 or 1 when the variance is zero: 1 only if the expected cumulative
// demand exceeds the stock). StockoutProb is CumStockoutProb at the last
// promotion period (the last period of the horizon when no period is marked
// Promo), and StockoutRisk reports StockoutProb > 1 − ServiceLevel.
//
// The forecast must cover the protection window: len(Mean) ≥ L+R.
package inventory
