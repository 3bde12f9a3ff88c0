package recommend

import (
	"testing"

	"promocast/internal/shareddata"
)

// TestReadTaFeng reads the Ta-Feng next-basket files and checks the sizes
// their README gives.
func TestReadTaFeng(t *testing.T) {
	hp := shareddata.Path(t, "tafeng", "tafeng_history.json.gz")
	fp := shareddata.Path(t, "tafeng", "tafeng_future.json.gz")
	cat := NewCatalog()
	h, err := ReadJSONFile(hp, cat)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ReadJSONFile(fp, cat)
	if err != nil {
		t.Fatal(err)
	}
	if h.NumCustomers() != 13858 || h.TotalBaskets() != 77369 || cat.NumItems() != 11997 {
		t.Errorf("history: %d customers, %d baskets, %d items; want 13,858, 77,369 and 11,997", h.NumCustomers(), h.TotalBaskets(), cat.NumItems())
	}
	if f.NumCustomers() != 13858 || f.TotalBaskets() != 13858 {
		t.Errorf("next baskets: %d customers, %d baskets; want one basket for each of 13,858", f.NumCustomers(), f.TotalBaskets())
	}
}
