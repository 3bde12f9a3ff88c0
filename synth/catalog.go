package synth

import (
	"fmt"
	"math"

	"promocast/calendar"
)

// categoryNames and their median regular prices in yuan; a panel uses the
// first Config.Categories of them.
var categoryNames = [...]struct {
	name  string
	price float64
}{
	{"beauty", 150}, {"electronics", 600}, {"snacks", 35}, {"apparel", 200},
	{"home", 120}, {"baby", 180}, {"pet", 90}, {"sports", 250},
	{"books", 45}, {"toys", 110}, {"health", 130}, {"kitchen", 160},
	{"outdoor", 300}, {"jewelry", 900}, {"auto", 220}, {"office", 60},
}

// newCategories draws the categories' ground truth.
func newCategories(st settings) []Category {
	cats := make([]Category, st.categories)
	for c := range cats {
		r := newRand(st.seed, streamCategory, c)
		brands := make([]string, 3+r.IntN(4))
		for b := range brands {
			brands[b] = fmt.Sprintf("%s_brand%d", categoryNames[c].name, b+1)
		}
		cats[c] = Category{
			Name:            categoryNames[c].name,
			Brands:          brands,
			PriceLevel:      categoryNames[c].price,
			YearlyAmplitude: 0.05 + 0.25*r.Float64(),
			YearlyPeak:      1 + r.IntN(365),
			EventScale:      0.7 + 0.6*r.Float64(),
			Elasticity:      -2.8 + 0.8*r.Float64(),
		}
	}
	return cats
}

// newSKUs draws the SKUs' ground truth: category, brand, price and tier,
// demand level, trend, elasticity, noise, launch and delisting.
func newSKUs(st settings, cats []Category) []SKU {
	r := newRand(st.seed, streamCatalog, 0)
	weights := make([]float64, len(cats))
	total := 0.0
	for c := range weights {
		weights[c] = 0.5 + r.Float64()
		total += weights[c]
	}
	width := len(fmt.Sprint(st.skus))
	skus := make([]SKU, st.skus)
	history := int(st.end - st.start)
	for i := range skus {
		c := i // every category gets at least one SKU
		if i >= len(cats) {
			u := r.Float64() * total
			for c = 0; c < len(cats)-1 && u >= weights[c]; c++ {
				u -= weights[c]
			}
		}
		cat := &cats[c]
		sr := newRand(st.seed, streamSKU, i)
		rel := math.Exp(0.5 * sr.NormFloat64()) // price relative to the category's level
		regular := roundPrice(cat.PriceLevel * rel)
		s := SKU{
			ID:           fmt.Sprintf("S%0*d", width, i+1),
			Category:     c,
			Brand:        cat.Brands[sr.IntN(len(cat.Brands))],
			Base:         6 * math.Exp(0.9*sr.NormFloat64()) * math.Pow(rel, -0.4),
			Trend:        0.05 + 0.15*sr.NormFloat64(),
			Elasticity:   min(-1.5, max(-3.5, cat.Elasticity+0.4*sr.NormFloat64())),
			Dispersion:   3 + 9*sr.Float64(),
			RegularPrice: regular,
			UnitCost:     math.Round(regular*(0.45+0.25*sr.Float64())*100) / 100,
			Launch:       st.start,
			Last:         st.planEnd,
		}
		switch {
		case rel < 0.75:
			s.Tier = "low"
		case rel > 1.35:
			s.Tier = "high"
		default:
			s.Tier = "mid"
		}
		s.NewRegularPrice, s.PriceChange = regular, st.planEnd+1
		if sr.Float64() < 0.25 {
			s.PriceChange = st.start + calendar.Date(sr.IntN(history+1))
			s.NewRegularPrice = roundPrice(regular * (0.9 + 0.22*sr.Float64()))
		}
		// Late launches and delistings need a history long enough to show them.
		switch u := sr.Float64(); {
		case u < 0.12 && history > 180:
			s.Launch = st.start + 30 + calendar.Date(sr.IntN(history-150))
			s.Ramp = true
		case u < 0.18 && history > 180:
			s.Last = st.start + 120 + calendar.Date(sr.IntN(history-150))
		}
		skus[i] = s
	}
	return skus
}

// roundPrice rounds to a shelf price: ..9 yuan from 20 up, .9 below.
func roundPrice(v float64) float64 {
	if v >= 20 {
		return max(19, math.Round(v/10)*10-1)
	}
	return max(0.9, math.Round(v)-0.1)
}
