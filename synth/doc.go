// Package synth generates a realistic synthetic e-commerce sales panel whose
// true promotion effects are known, for `promocast demo` and for checking
// that estimated uplift matches the truth.
//
//	p, err := synth.Generate(synth.Config{Seed: 1}) // zero fields: defaults
//	p.History // long-format history: date, sku, ..., units, ..., stockout
//	p.Plan    // known covariates of the next 31 days, a Double 11 plan
//	p.Truth   // per plan row: units (one draw), expected, baseline, uplift
//	synth.Spec() // the dataset spec of History and Plan, as YAML
//
// The default panel has 300 SKUs in 8 categories, daily from 2023-10-01 to
// 2025-10-15 (two years ending just before Double 11 2025), and a plan for
// 2025-10-16..2025-11-15. Generate takes 0.1–0.2 s for it (two shared
// cores, ~54 MB allocated) and is deterministic: the same Config gives the
// same frames, byte for byte.
//
// # Frames
//
// History has one row per SKU and day on sale, sorted by sku then date:
//
//	date           string 2006-01-02
//	sku            string, e.g. S001
//	category       string, e.g. beauty
//	brand          string, e.g. beauty_brand2
//	price_tier     string low | mid | high (regular price within the category)
//	units          units sold (censored by stock on stockout days)
//	price          selling price = regular_price × (1 − discount), to the cent
//	regular_price  shelf price; for a quarter of SKUs it changes once
//	discount       discount depth 0..0.5 (the planned depth; price is rounded)
//	feature        1 when featured on the home page, else 0
//	display        1 when given a display slot, else 0
//	coupon         1 when a coupon applies, else 0
//	unit_cost      cost of goods per unit
//	stockout       1 on a day the SKU ran out of stock, else 0
//
// Some SKUs launch during the history (no rows before, and demand ramps up)
// and some are delisted (no rows after, and no plan rows). Plan has the
// History columns without units and stockout, for every SKU on sale at the
// end of the history; Truth is row-aligned with Plan.
//
// # Ground truth: the demand model
//
// The expected units of SKU i (category c) on day t are
//
//	μ0(i,t) = Base_i · exp(Trend_i·(t−t0)/365) · Weekday[t] · Yearly_c(t) · Event(t)^EventScale_c · Ramp_i(t)
//	L(i,t)  = (price/regular_price)^Elasticity_i · Feature^feature · Display^display · Coupon^coupon
//	μ(i,t)  = μ0(i,t) · L(i,t) · exp(−κ · Σ_{j≠i in c} μ0(j,t)(L(j,t)−1) / Σ_{j in c} μ0(j,t))
//
// where t0 is the history's first day; Weekday lifts weekends (Sat 1.12,
// Sun 1.10, Mon 0.95); Yearly_c(t) = exp(A_c·cos(2π(dayOfYear−peak_c)/365.25));
// Event is EventMultiplier: Double 11 with a pre-sale from Oct 20, a lull
// in the days before (0.75–0.85), a ×3 spike and a post-event dip
// (pull-forward), 618 with its Jun 1 opening, lull and ×2.2 spike, Double
// 12, and the Spring Festival's logistics slowdown (down to ×0.45); Ramp_i
// is 1 − exp(−age/30 days) for SKUs launched during the history. The sum
// in the last factor is cannibalisation: the extra units of promoted SKUs
// take a share κ = 0.25 of their category's demand that day, spread over
// the category in proportion to each SKU's lever-off demand; a promoted SKU
// also loses to its promoted peers, never to itself. Elasticity_i lies in
// −3.5..−1.5 around its category's mean; Feature = 1.35, Display = 1.2,
// Coupon = 1.15. Base_i is log-normal across SKUs (median 6 units a day,
// cheaper SKUs sell more). Panel.SKUs, Panel.Categories and Panel.Effects
// hold every parameter.
//
// Units are negative binomial around μ with SKU shape k in 3..12
// (variance μ + μ²/k). Stockout spells of 1–5 days start with probability
// 0.3% a day, or 15% the day after a deep (≥20%) discount on an event peak;
// on those days units are min(demand, ⌊U(0, 0.6)·μ⌋) and stockout is 1, so
// recorded units understate demand. Truth's expected and baseline are
// noise-free and uncensored.
//
// # Promotions
//
// During the history each SKU runs ordinary promotion episodes (every ~55
// days, 3–10 days long, 10–35% off three times in four, with coupon,
// display and feature by chance) outside the weeks around platform events,
// and 45% / 35% / 20% of SKUs take part in Double 11 / 618 / Double 12.
// Double 11 participants get coupons from the pre-sale (Oct 20) to Nov 11,
// 20–50% off on Nov 11, display on Nov 9–11 and the home-page feature on
// Nov 11 by chance, and half the discount on Nov 12–13 by chance. The plan
// has no ordinary episodes: Config.PlanShare (default 40%) of the SKUs take
// part in Double 11 (80% and 50% of that share in 618 and Double 12, when a
// longer plan reaches them) and the others stay at regular price with every
// lever off.
//
// # Baseline and uplift
//
// Truth.baseline is the expected units with every lever of every SKU off
// (price = regular_price, flags 0), the world without the plan, so
// Truth.uplift is negative for SKUs that are not promoted but lose demand
// to promoted peers, and the uplift summed over a category is the plan's
// true incremental units. Panel.Expected computes the expected units of
// any other plan, for what-if and optimisation checks.
package synth
