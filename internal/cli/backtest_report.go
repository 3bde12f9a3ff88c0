package cli

import (
	"fmt"
	"strings"

	"promocast/backtest"
	"promocast/ensemble"
	"promocast/report"
)

// backtestReport lays out backtest --out's HTML report: the model table,
// auto's leaderboard with training times when there is one, WAPE per fold
// for every model, and the feature importance of the models that have it.
func backtestReport(title string, reports []*backtest.Report, board []ensemble.Entry) *report.Report {
	r := report.New(title)
	r.Heading("Models")
	head, rows := leaderboard(reports)
	r.Table(head, rows)
	r.Text(strings.ReplaceAll(maseNote, "\n", " "))
	if board != nil {
		r.Heading("Leaderboard")
		r.Text("blend, best_mean and stack choose their weights for each fold on the folds before it only, starting with an unscored warm-up fold; seconds is each model's whole backtest, a combination's including its members'.")
		r.Table(boardTable(board))
	}
	r.Heading("WAPE per fold")
	var c report.Chart
	for _, f := range reports[0].Folds {
		c.X = append(c.X, f.Origin)
	}
	for _, rep := range reports {
		l := report.Line{Name: rep.Model}
		for _, f := range rep.Folds {
			l.Y = append(l.Y, f.Scores.WAPE)
		}
		c.Lines = append(c.Lines, l)
	}
	r.Chart(c)
	for _, rep := range reports {
		if len(rep.Importance) == 0 {
			continue
		}
		var parts []string
		for _, fi := range rep.Importance[:min(10, len(rep.Importance))] {
			parts = append(parts, fmt.Sprintf("%s %.1f%%", fi.Feature, 100*fi.Score))
		}
		r.Text(rep.Model + " feature importance (gain share, last fold): " + strings.Join(parts, ", "))
	}
	return r
}
