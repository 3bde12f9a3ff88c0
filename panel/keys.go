package panel

import (
	"maps"
	"slices"

	"promocast/data"
	"promocast/spec"
)

// MaxKeyLevels is the most distinct values a key column may hold to be
// used as an attribute by KeyAttributes: what a categorical feature can
// hold (the trees' bin count).
const MaxKeyLevels = 255

// KeyAttributes returns sp with each key column of hist that holds 2 to
// MaxKeyLevels distinct values added as a text static attribute, or sp
// itself when none is added. A global model then knows which store or
// which brand a row belongs to, as every practitioner's feature table
// does: on a panel of stores × brands whose rows carry every brand's
// price, only the brand says which of them is the row's own. Keys with
// more values (one per SKU of a large catalogue) are left to the series'
// level features. When the spec names no group and has no static
// attributes of its own, the added keys do not become the peer group
// (spec.NoGroup): a key is an identity, not a category.
func KeyAttributes(hist *data.Frame, sp *spec.Spec) *spec.Spec {
	var add []string
	for _, k := range sp.Keys {
		c := hist.Column(k)
		if c == nil || slices.Contains(sp.Static, k) {
			continue
		}
		seen := map[string]bool{}
		for i := 0; i < c.Len() && len(seen) <= MaxKeyLevels; i++ {
			if !c.Missing(i) {
				seen[c.Text(i)] = true
			}
		}
		if len(seen) >= 2 && len(seen) <= MaxKeyLevels {
			add = append(add, k)
		}
	}
	if len(add) == 0 {
		return sp
	}
	out := *sp
	if out.Group == "" && len(sp.Static) == 0 {
		out.Group = spec.NoGroup
	}
	out.Static = append(slices.Clone(sp.Static), add...)
	out.Types = maps.Clone(sp.Types)
	if out.Types == nil {
		out.Types = map[string]string{}
	}
	for _, k := range add {
		out.Types[k] = "string"
	}
	return &out
}
