package serve

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"promocast/ingest"
	"promocast/learn/gbdt"
	"promocast/uplift"
)

// upliftModel fits a T-learner on a small campaign where "mail" lifts the
// visit rate of customers with a high score and "sms" does nothing.
func upliftModel(t *testing.T) *uplift.Model {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("score,channel,arm,visit\n")
	for i := 0; i < 3000; i++ {
		score, arm := rng.Float64(), []string{"none", "mail", "sms"}[rng.IntN(3)]
		p := 0.2
		if arm == "mail" {
			p += 0.4 * score
		}
		visit := 0
		if rng.Float64() < p {
			visit = 1
		}
		fmt.Fprintf(&b, "%.3f,%s,%s,%d\n", score, []string{"web", "phone"}[i%2], arm, visit)
	}
	f, err := ingest.ReadCSV(strings.NewReader(b.String()), "log.csv", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := uplift.FromFrame(f, uplift.Columns{Treatment: "arm", Outcome: "visit"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := uplift.Fit(d, uplift.Config{Learner: uplift.LearnerT, Bases: []uplift.Base{{GBDT: gbdt.Params{Rounds: 30, MaxDepth: 2, MinChildWeight: 20}}}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestUpliftRoute(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.srv.RegisterUplift(upliftModel(t)); err != nil {
		t.Fatal(err)
	}
	req := UpliftRequest{Rows: []PlanRow{{"score": 0.95, "channel": "web"}, {"score": 0.05, "channel": "phone"}, {"channel": "web"}},
		Costs: map[string]float64{"mail": 0.05, "sms": 0.05}, Count: 1}
	code, body := e.call(t, "POST", "/v1/uplift", "", req)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var resp UpliftResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Control != "none" || strings.Join(resp.Treatments, ",") != "mail,sms" || len(resp.Rows) != 3 {
		t.Fatalf("response %+v", resp)
	}
	if resp.Rows[0].Treatment != "mail" || resp.Rows[1].Treatment != "none" || resp.Policy.Count[1] != 1 {
		t.Errorf("the high-score customer should get the mail and no one else (count 1): %+v", resp)
	}
	if !(resp.Rows[0].Uplift[0] > resp.Rows[1].Uplift[0]) {
		t.Errorf("uplift of mail: high score %v, low score %v", resp.Rows[0].Uplift[0], resp.Rows[1].Uplift[0])
	}

	bad := []struct {
		body  any
		field string
	}{
		{UpliftRequest{Rows: []PlanRow{{"score": "high", "channel": "web"}}}, "rows[0].score"},
		{UpliftRequest{Rows: []PlanRow{{"score": 0.5}}, Costs: map[string]float64{"letter": 1}}, "letter"},
	}
	for _, c := range bad {
		code, body := e.call(t, "POST", "/v1/uplift", "", c.body)
		if code != http.StatusBadRequest || !strings.Contains(string(body), c.field) {
			t.Errorf("%+v: status %d %s", c.body, code, body)
		}
	}
	code, body = e.call(t, "GET", "/openapi.json", "", nil)
	if code != http.StatusOK || !strings.Contains(string(body), "/v1/uplift") {
		t.Errorf("the API document does not list /v1/uplift")
	}
}
