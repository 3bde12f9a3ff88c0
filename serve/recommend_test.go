package serve

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"promocast/recommend"
)

// recommender fits a small next-basket model: 120 customers who each
// favour two of 30 items and buy popular ones besides.
func recommender(t *testing.T) *recommend.Recommender {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 1))
	var b strings.Builder
	b.WriteString("{")
	for c := range 120 {
		if c > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"c%d": [`, c)
		fav := []int{rng.IntN(30), rng.IntN(30)}
		for j := range 2 + rng.IntN(4) {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "[%d, %d]", fav[rng.IntN(2)], int(30*rng.Float64()*rng.Float64()))
		}
		b.WriteString("]")
	}
	b.WriteString("}")
	h, err := recommend.ReadJSON([]byte(b.String()), "h.json", recommend.NewCatalog())
	if err != nil {
		t.Fatal(err)
	}
	s := recommend.Settings{EASE: recommend.EASE{MaxItems: 30}}
	s.Trees.Rounds = 20
	m, _, err := recommend.Fit(h, s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.NewRecommender(h)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRecommendRoute(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.srv.RegisterRecommend(recommender(t)); err != nil {
		t.Fatal(err)
	}
	code, body := e.call(t, "POST", "/v1/recommend", "", RecommendRequest{Customers: []string{"c3", "stranger"}, K: 4})
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var resp RecommendResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Customers) != 2 || !resp.Customers[0].Known || len(resp.Customers[0].Items) != 4 {
		t.Fatalf("response %s", body)
	}
	if resp.Customers[1].Known || len(resp.Customers[1].Items) != 0 {
		t.Errorf("an unknown customer should be marked and get no items: %+v", resp.Customers[1])
	}
	items := resp.Customers[0].Items
	for i, p := range items {
		if !(p.Probability >= 0 && p.Probability <= 1) || (i > 0 && p.Item == items[i-1].Item) {
			t.Errorf("item %d: %+v", i, p)
		}
	}
	for _, c := range []struct {
		req   RecommendRequest
		field string
	}{
		{RecommendRequest{}, "customers"},
		{RecommendRequest{Customers: []string{"c1"}, K: -1}, "k"},
	} {
		code, body := e.call(t, "POST", "/v1/recommend", "", c.req)
		if code != http.StatusBadRequest || !strings.Contains(string(body), `"field":"`+c.field+`"`) {
			t.Errorf("%+v: status %d, %s; want 400 naming %s", c.req, code, body, c.field)
		}
	}
	if !strings.Contains(fmt.Sprint(e.srv.OpenAPI()["paths"]), "/v1/recommend") {
		t.Error("the API document lacks /v1/recommend")
	}
}
