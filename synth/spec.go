package synth

// Spec returns the dataset spec (YAML, the format of package spec) that
// describes a generated panel's History and Plan frames.
func Spec() string {
	return `# Dataset spec of a promocast synthetic panel (package synth).
time: {column: date, frequency: day}
keys: [sku]
target: units
known: [price, regular_price, discount, feature, display, coupon, unit_cost]
static: [category, brand, price_tier]
group: category
promotion:
  price: {off: regular_price}
  discount: {off: 0}
  feature: {off: 0}
  display: {off: 0}
  coupon: {off: 0}
cost: {unit_cost: unit_cost}
`
}
