package recommend

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteText prints the evaluation: one row per method with recall, NDCG
// and hit rate at each k, the share of repeat items in the top k and the
// recall of repeat and new items at the largest k; then the reliability
// table.
func (ev *Evaluation) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%d customers with a next basket (%d without history)\n\n", ev.Customers, ev.Cold)
	if err := writeScores(w, ev.Methods, ev.K); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nreliability of %s probabilities (all candidates, ten bins equal in count):\n", MethodRanker)
	if err := writeReliability(w, ev.Reliability); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nreliability of the top %d items shown to each customer:\n", ev.K[0])
	return writeReliability(w, ev.TopReliability)
}

// WriteText prints what Fit did and the validation scores.
func (r *FitReport) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "trained on %d customers (%d candidate rows), %d trees; validated on %d customers (%d rows)\n\n",
		r.TrainCustomers, r.TrainRows, r.Rounds, r.ValidCustomers, r.ValidRows)
	fmt.Fprintln(w, "validation (each validation customer's last history basket, from the baskets before it):")
	return writeScores(w, r.Validation, []int{10})
}

func writeScores(w io.Writer, methods []MethodScores, ks []int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "method\t")
	for _, k := range ks {
		fmt.Fprintf(tw, "recall@%d\tndcg@%d\thit@%d\t", k, k, k)
	}
	kl := ks[len(ks)-1]
	fmt.Fprintf(tw, "repeat share@%d\trepeat recall@%d\tnew recall@%d\t\n", kl, kl, kl)
	for _, m := range methods {
		fmt.Fprintf(tw, "%s\t", m.Method)
		for _, s := range m.Scores {
			fmt.Fprintf(tw, "%.4f\t%.4f\t%.4f\t", s.Recall, s.NDCG, s.Hit)
		}
		s := m.Scores[len(m.Scores)-1]
		fmt.Fprintf(tw, "%.3f\t%.4f\t%.4f\t\n", s.RepeatShare, s.RepeatRecall, s.ExploreRecall)
	}
	return tw.Flush()
}

func writeReliability(w io.Writer, bins []Bin) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "bin\tpredicted from\tto\tcount\tmean predicted\tobserved\tgap\t\n")
	for i, b := range bins {
		fmt.Fprintf(tw, "%d\t%.4f\t%.4f\t%d\t%.4f\t%.4f\t%+.4f\t\n", i+1, b.Lo, b.Hi, b.Count, b.Predicted, b.Observed, b.Observed-b.Predicted)
	}
	return tw.Flush()
}
