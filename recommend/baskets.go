package recommend

import (
	"slices"
	"sync"
)

// Catalog gives items and customers small integer codes. Readers share one
// Catalog so that a history and its held-out next baskets agree on codes.
// The zero value is not usable; call NewCatalog.
type Catalog struct {
	items     []string
	itemIndex map[string]int32
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog { return &Catalog{itemIndex: make(map[string]int32)} }

// code returns name's item code, adding it when new.
func (c *Catalog) code(name string) int32 {
	if k, ok := c.itemIndex[name]; ok {
		return k
	}
	k := int32(len(c.items))
	c.items = append(c.items, name)
	c.itemIndex[name] = k
	return k
}

// Lookup returns the code of the item called name and whether it is known.
func (c *Catalog) Lookup(name string) (int32, bool) {
	k, ok := c.itemIndex[name]
	return k, ok
}

// Item returns the name of item code k.
func (c *Catalog) Item(k int32) string { return c.items[k] }

// NumItems returns the number of items the catalog holds.
func (c *Catalog) NumItems() int { return len(c.items) }

// Baskets holds customers' basket sequences in compressed sparse form: the
// items of basket b are Codes[ItemStart[b]:ItemStart[b+1]] and the baskets
// of customer c are ItemStart indices BasketStart[c]..BasketStart[c+1]-1,
// oldest first. Items within a basket are distinct and sorted by code.
// Memory is 4 bytes per purchased item plus 4 per basket and per customer;
// nothing is customers × items.
type Baskets struct {
	Catalog     *Catalog
	Customers   []string // customer ids in input order
	BasketStart []int32  // len(Customers)+1 offsets into ItemStart
	ItemStart   []int64  // number of baskets + 1 offsets into Codes
	Codes       []int32  // item codes

	indexOnce sync.Once
	index     map[string]int
}

// NumCustomers returns the number of customers.
func (b *Baskets) NumCustomers() int { return len(b.Customers) }

// NumBaskets returns customer c's number of baskets.
func (b *Baskets) NumBaskets(c int) int { return int(b.BasketStart[c+1] - b.BasketStart[c]) }

// TotalBaskets returns the number of baskets of all customers.
func (b *Baskets) TotalBaskets() int { return len(b.ItemStart) - 1 }

// Basket returns the items of customer c's j-th basket (0 = oldest). The
// slice aliases the store.
func (b *Baskets) Basket(c, j int) []int32 {
	k := int(b.BasketStart[c]) + j
	return b.Codes[b.ItemStart[k]:b.ItemStart[k+1]]
}

// Customer returns the index of the customer called id and whether there is
// one. The first call indexes the customers; calls may be concurrent, but
// Customers must not change after it.
func (b *Baskets) Customer(id string) (int, bool) {
	b.indexOnce.Do(func() {
		b.index = make(map[string]int, len(b.Customers))
		for i, c := range b.Customers {
			b.index[c] = i
		}
	})
	i, ok := b.index[id]
	return i, ok
}

// builder appends customers and baskets to a Baskets.
type builder struct {
	b       *Baskets
	scratch []int32
}

func newBuilder(cat *Catalog) *builder {
	return &builder{b: &Baskets{Catalog: cat, BasketStart: []int32{0}, ItemStart: []int64{0}}}
}

// addBasket appends a basket to the customer being built; duplicates are
// dropped and the items sorted. An empty basket is skipped.
func (bl *builder) addBasket(items []int32) {
	if len(items) == 0 {
		return
	}
	bl.scratch = append(bl.scratch[:0], items...)
	slices.Sort(bl.scratch)
	bl.scratch = slices.Compact(bl.scratch)
	bl.b.Codes = append(bl.b.Codes, bl.scratch...)
	bl.b.ItemStart = append(bl.b.ItemStart, int64(len(bl.b.Codes)))
}

// endCustomer closes the customer whose baskets were just added. A
// customer with no basket is dropped and endCustomer reports false.
func (bl *builder) endCustomer(id string) bool {
	n := int32(len(bl.b.ItemStart) - 1)
	if n == bl.b.BasketStart[len(bl.b.BasketStart)-1] {
		return false
	}
	bl.b.Customers = append(bl.b.Customers, id)
	bl.b.BasketStart = append(bl.b.BasketStart, n)
	return true
}

// Split returns two views of b: head holds every customer's baskets but the
// last, and last holds each customer's last basket. Customers with a single
// basket have no baskets in head (they keep their place, so customer
// indices agree across b, head and last). This is how the re-ranker learns
// without look-ahead: features from head, labels from last.
func (b *Baskets) Split() (head, last *Baskets) {
	hb, lb := newBuilder(b.Catalog), newBuilder(b.Catalog)
	for c := range b.Customers {
		n := b.NumBaskets(c)
		for j := 0; j < n-1; j++ {
			hb.addBasket(b.Basket(c, j))
		}
		lb.addBasket(b.Basket(c, n-1))
		hb.b.Customers = append(hb.b.Customers, b.Customers[c])
		hb.b.BasketStart = append(hb.b.BasketStart, int32(len(hb.b.ItemStart)-1))
		lb.b.Customers = append(lb.b.Customers, b.Customers[c])
		lb.b.BasketStart = append(lb.b.BasketStart, int32(len(lb.b.ItemStart)-1))
	}
	return hb.b, lb.b
}
