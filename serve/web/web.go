// Package web holds the static assets of promocast's browser page, embedded
// in the binary so that the page works offline (no CDN): index.html,
// app.js (plain JavaScript, no build step), i18n.js (every UI string in
// English and Chinese), app.css and uPlot (vendor/, from npm). Package
// serve mounts FS at / and /static/.
//
// The page has four views over the JSON API: the scenario planner (pick
// products and periods, set the live model's promotion levers, see
// forecast against baseline with the P10–P90 band, incremental units, GMV,
// margin, ROI and stock risk, updated as values change; GET /v1/spec,
// POST /v1/forecast and /v1/inventory), the explanation of the planner's
// plan (POST /v1/explain), the optimiser (POST /v1/optimize) and the
// backtest (GET /v1/backtest).
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// FS returns the assets with static/ as the root.
func FS() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		// static is embedded above, so Sub cannot fail.
		panic(err)
	}
	return sub
}
