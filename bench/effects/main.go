// Command effects is promocast's effect-accuracy suite: it measures how
// well the estimated uplift matches the truth on generated panels whose
// effects are known — the trees' own plan-minus-baseline beside the effect
// model's — and how the effect model's elasticities agree with the
// within-series log-log regression on the real panels in ../shared/data.
//
//	go run ./bench/effects [-model default|gbdt|…] [-metric balanced|wape|mape|rmse] [-real tuna,cheese,breakfast,pizza] [-synth=false]
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat"

	"promocast/data"
	"promocast/demo"
	"promocast/effect"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn"
	"promocast/panel"
	"promocast/spec"
	"promocast/synth"
	"promocast/train"
)

func main() {
	kind := flag.String("model", ensemble.DefaultName, "the forecast model: default (as promocast train fits it) or a learner")
	metric := flag.String("metric", "", "what the default model chooses by, as promocast train --metric (empty: balanced)")
	real := flag.String("real", "tuna,cheese,breakfast,pizza", "real panels to check (empty for none)")
	synthetic := flag.Bool("synth", true, "score the generated panels against their truth")
	only := flag.String("only", "", "score only the generated panel whose name contains this")
	flag.Parse()
	if *synthetic {
		if err := run(*kind, *metric, *only); err != nil {
			fmt.Fprintln(os.Stderr, "effects:", err)
			os.Exit(1)
		}
	}
	if *real != "" {
		only := map[string]bool{}
		for _, n := range strings.Split(*real, ",") {
			only[strings.TrimSpace(n)] = true
		}
		fmt.Println()
		if err := runReal(".", only); err != nil {
			fmt.Fprintln(os.Stderr, "effects:", err)
			os.Exit(1)
		}
	}
}

func run(kind, metric, only string) error {
	fmt.Printf("%-22s %-10s %8s %8s %10s %10s %8s\n", "panel", "uplift", "corr", "WAPE", "total", "true", "off by")
	for _, sc := range scenarios() {
		if !strings.Contains(sc.name, only) {
			continue
		}
		start := time.Now()
		shop, err := synth.Generate(sc.cfg)
		if err != nil {
			return err
		}
		sp, err := spec.Parse([]byte(synth.Spec()))
		if err != nil {
			return err
		}
		horizon := int(shop.PlanEnd - shop.PlanStart + 1)
		p, m, err := trainModel(shop.History, sp, kind, metric, horizon)
		if err != nil {
			return err
		}
		fitted := m.Effects
		for _, withEffects := range []bool{false, true} {
			label := "trees"
			m.Effects = nil
			if withEffects {
				label = "effects"
				m.Effects = fitted
			}
			res, err := m.Forecast(shop.History, shop.Plan)
			if err != nil {
				return err
			}
			c, err := demo.CheckUplift(res, shop.Truth)
			if err != nil {
				return err
			}
			if dump := os.Getenv("PROMOCAST_EFFECTS_DUMP"); dump != "" {
				if err := dumpRows(dump+"-"+strings.ReplaceAll(sc.name, " ", "_")+"-"+label+".csv", res, shop, m.Effects); err != nil {
					return err
				}
			}
			est, truth := c.Forecast-c.Baseline, c.TrueForecast-c.TrueBaseline
			fmt.Printf("%-22s %-10s %8.3f %7.1f%% %+10.0f %+10.0f %7.1f%%\n", sc.name, label, c.Corr, 100*c.WAPE, est, truth, 100*(est/truth-1))
		}
		recovery(shop, p, m.Effects)
		fmt.Fprintf(os.Stderr, "%s: %.0fs\n", sc.name, time.Since(start).Seconds())
	}
	return nil
}

// trainModel trains the forecast model of kind on hist with its effect
// model: the default model (ensemble.DefaultName) exactly as promocast train
// fits it with metric, with its calibration backtest and choice of
// candidates, or one learner with its defaults.
func trainModel(hist *data.Frame, sp *spec.Spec, kind, metric string, horizon int) (*panel.Panel, *forecast.Model, error) {
	topt := forecast.TrainOptions{Kind: kind, Horizon: horizon}
	if kind == ensemble.DefaultName {
		tr, err := train.Run(hist, sp, train.Options{Forecast: topt, Model: kind, Metric: metric})
		if err != nil {
			return nil, nil, err
		}
		return tr.Panel, tr.Model, nil
	}
	p, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		return nil, nil, err
	}
	pr, err := forecast.Prepare(p, topt)
	if err != nil {
		return nil, nil, err
	}
	fit, err := ensemble.New(kind, learn.Options{})
	if err != nil {
		return nil, nil, err
	}
	m, err := pr.Train(topt, p.Last, fit)
	if err != nil {
		return nil, nil, err
	}
	if m.Effects, err = effect.Fit(pr, p.Last, effect.Options{}); err != nil {
		return nil, nil, err
	}
	return p, m, nil
}

type scenario struct {
	name string
	cfg  synth.Config
}

func scenarios() []scenario {
	return []scenario{
		{"demo shop", synth.Config{Seed: 1}},
		// A promotion every ~400 days: most SKUs have one or two.
		{"rare promotions", synth.Config{Seed: 2, RegularGap: 400}},
		// No promotion outside platform events: lever and event coincide.
		{"event-only promotions", synth.Config{Seed: 3, RegularGap: -1}},
		// Peers take three times as much demand from each other.
		{"strong cannibalisation", synth.Config{Seed: 4, Cannibalisation: 0.75}},
		// Shoppers stock up: the three days after a promotion sell 30%,
		// 20% and 10% less.
		{"post-promotion dip", synth.Config{Seed: 5, PostDip: 0.3}},
	}
}

// recovery prints how the estimated effects compare with the panel's true
// ones: each SKU's price elasticity, and the flag levers' lifts.
func recovery(shop *synth.Panel, p *panel.Panel, e *forecast.Effects) {
	truth := map[string]float64{}
	for _, s := range shop.SKUs {
		truth[s.ID] = s.Elasticity
	}
	group := map[string]float64{}
	for _, s := range p.Series {
		group[s.ID] = math.NaN()
		if e.Group >= 0 {
			group[s.ID] = s.Static[e.Group]
		}
	}
	for k, c := range e.Columns {
		if !c.LogPrice {
			var th []float64
			for _, s := range e.Series {
				th = append(th, s.Theta[k])
			}
			sort.Float64s(th)
			fmt.Printf("  %-20s lift: global %+.1f%% (median series %+.1f%%)\n", c.Name, 100*effect.Read(c, e.Global[k], e.Offset), 100*effect.Read(c, th[len(th)/2], e.Offset))
			continue
		}
		var xs, ys []float64
		ae, aeg := 0.0, 0.0
		for id, s := range e.Series {
			if t, ok := truth[id]; ok && s.Promoted > 0 {
				est := effect.Read(c, s.Theta[k], e.Offset)
				xs, ys = append(xs, est), append(ys, t)
				ae += math.Abs(est - t)
				aeg += math.Abs(effect.Read(c, e.Theta("", group[id])[k], e.Offset) - t)
			}
		}
		fmt.Printf("  (group effects alone: mean abs error %.2f)\n", aeg/float64(len(xs)))
		fmt.Printf("  %-20s elasticity: global %.2f; per series vs truth: correlation %.3f, mean abs error %.2f, mean %.2f vs %.2f (%d series)\n",
			c.Name, effect.Read(c, e.Global[k], e.Offset), stat.Correlation(xs, ys, nil), ae/float64(len(xs)), stat.Mean(xs, nil), stat.Mean(ys, nil), len(xs))
	}
}

// dumpRows writes every plan row's estimate beside the truth, for study:
// with the row's true own lift (tlift, before cannibalisation), its
// discount, and the effect model's log-space terms of the row (Result.
// LeverTerms): of the own levers (lown), of the peers' promotions (lpeers)
// and in all (lift, so that the row's uplift in expected units is h·(e^lift
// − 1) with h the effect model's baseline). Without an effect model the
// three are 0.
func dumpRows(path string, res *forecast.Result, shop *synth.Panel, e *forecast.Effects) error {
	truth := shop.Truth
	el := map[string]float64{}
	for _, s := range shop.SKUs {
		el[s.ID] = s.Elasticity
	}
	pc, _ := shop.Plan.NeedNumber("price", "")
	rc, _ := shop.Plan.NeedNumber("regular_price", "")
	fc, _ := shop.Plan.NeedNumber("feature", "")
	dc, _ := shop.Plan.NeedNumber("display", "")
	cc, _ := shop.Plan.NeedNumber("coupon", "")
	exp, _ := truth.NeedNumber("expected", "")
	base, _ := truth.NeedNumber("baseline", "")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	terms := res.LeverTerms()
	fmt.Fprintln(f, "id,series,period,promoted,forecast,baseline,expected,expected_baseline,own,history,next,peers,true_forecast,true_baseline,tlift,disc,lown,lpeers,lift")
	for i, t := range res.Targets {
		id := res.Panel.Series[t.Series].ID
		var lown, lpeers, lift float64
		if terms != nil {
			for k, v := range terms[i] {
				switch e.Columns[k].Part {
				case forecast.PartOwn:
					lown += v
				case forecast.PartPeers:
					lpeers += v
				}
				lift += v
			}
		}
		fmt.Fprintf(f, "%s,%d,%d,%t,%g,%g,%g,%g,%g,%g,%g,%g,%g,%g,%g,%g,%g,%g,%g\n", id, t.Series, t.Period, res.Promoted[i], res.Forecast[i], res.Baseline[i], res.Expected[i], res.BaselineExpected[i],
			res.Parts.Own[i], res.Parts.History[i], res.Parts.Next[i], res.Parts.Peers[i], exp.Num[t.Row], base.Num[t.Row],
			shop.Effects.Lift(el[id], pc.Num[t.Row], rc.Num[t.Row], fc.Num[t.Row], dc.Num[t.Row], cc.Num[t.Row]), 1-pc.Num[t.Row]/rc.Num[t.Row], lown, lpeers, lift)
	}
	return nil
}
