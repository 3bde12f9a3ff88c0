package uplift_test

import (
	"fmt"

	"promocast/uplift"
)

// Three customers, two emails that cost 0.05 each, a visit worth 1, and a
// budget of 0.05: one email in all, to the customer it moves most.
func ExampleChoose() {
	arms := []string{"No E-Mail", "Mens E-Mail", "Womens E-Mail"}
	tau := [][]float64{
		{0.12, 0.02, 0.07}, // predicted uplift of the men's email, per customer
		{0.03, 0.01, 0.09}, // of the women's email
	}
	costs, err := uplift.ParseCosts("Mens E-Mail=0.05, Womens E-Mail=0.05", arms[1:])
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, budget := range []float64{0, 0.05} {
		p, err := uplift.Choose(tau, arms, uplift.PolicyConfig{Value: 1, Costs: costs, Budget: budget})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("budget %.2f:", budget)
		for i, a := range p.Arm {
			fmt.Printf(" customer %d → %s;", i, arms[a])
		}
		fmt.Printf(" cost %.2f, expected extra visits %.2f\n", p.Cost, p.Gain)
	}
	// Output:
	// budget 0.00: customer 0 → Mens E-Mail; customer 1 → No E-Mail; customer 2 → Womens E-Mail; cost 0.10, expected extra visits 0.21
	// budget 0.05: customer 0 → Mens E-Mail; customer 1 → No E-Mail; customer 2 → No E-Mail; cost 0.05, expected extra visits 0.12
}
