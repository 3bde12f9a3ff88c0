// Package web holds the static assets of promocast's browser page, embedded
// in the binary so that the page works offline (no CDN). The page itself
// is not built yet: static/ is where its HTML, JavaScript (uPlot from npm)
// and CSS go, and FS is what the server will mount.
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
