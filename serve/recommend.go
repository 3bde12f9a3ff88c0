package serve

import (
	"net/http"
	"time"

	"promocast/recommend"
)

// RecommendRequest is the body of POST /v1/recommend.
type RecommendRequest struct {
	Customers []string `json:"customers" doc:"customer IDs as in the history the server loaded"`
	K         int      `json:"k,omitempty" doc:"items per customer; default 10"`
}

// RecommendResponse is the answer of POST /v1/recommend.
type RecommendResponse struct {
	Customers []RecommendCustomer `json:"customers" doc:"one per requested customer, in request order"`
	Millis    float64             `json:"millis"`
}

// RecommendCustomer is one customer's most likely next items.
type RecommendCustomer struct {
	Customer string           `json:"customer"`
	Known    bool             `json:"known" doc:"false when the history has no baskets of this customer: items is then empty"`
	Items    []recommend.Pick `json:"items" doc:"most likely first: item, calibrated probability that it is in the next basket, and whether the customer bought it before"`
}

// RegisterRecommend adds POST /v1/recommend, answered by r, to the server.
func (s *Server) RegisterRecommend(r *recommend.Recommender) error {
	return s.Register(heavy(JSONRoute("POST", "/v1/recommend", "Each customer's most likely next-basket items with calibrated probabilities, repeats and new items marked",
		ScopeRead, &s.opt.Limits, func(_ *http.Request, req *RecommendRequest) (*RecommendResponse, error) { return s.recommend(r, req) })))
}

func (s *Server) recommend(r *recommend.Recommender, req *RecommendRequest) (*RecommendResponse, error) {
	if len(req.Customers) == 0 {
		return nil, Errorf(http.StatusBadRequest, "customers", "no customers: expected at least one customer ID")
	}
	if err := s.checkRows(len(req.Customers)); err != nil {
		return nil, err
	}
	k := req.K
	if k == 0 {
		k = 10
	}
	if k < 0 || k > 1000 {
		return nil, Errorf(http.StatusBadRequest, "k", "%d: expected 1 to 1,000 items per customer", k)
	}
	start := time.Now()
	resp := &RecommendResponse{Customers: make([]RecommendCustomer, len(req.Customers))}
	for i, c := range req.Customers {
		rec, ok, err := r.Recommend(c, k)
		if err != nil {
			return nil, err
		}
		items := rec.Items
		if items == nil {
			items = []recommend.Pick{}
		}
		resp.Customers[i] = RecommendCustomer{Customer: c, Known: ok, Items: items}
	}
	resp.Millis = float64(time.Since(start).Microseconds()) / 1000
	return resp, nil
}
