package serve

import (
	"io/fs"
	"net/http"

	"promocast/serve/web"
)

// mountPage serves the browser page at / and its assets under /static/.
// They are public: the page calls the API with the token the user gives
// it. The Content-Security-Policy keeps the page to this server's own
// assets, so it works offline and loads nothing from elsewhere.
func (s *Server) mountPage() {
	assets := web.FS()
	files := http.StripPrefix("/static/", http.FileServerFS(assets))
	secure := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			h.ServeHTTP(w, r)
		})
	}
	s.mux.Handle("GET /{$}", secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := fs.ReadFile(assets, "index.html")
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
	})))
	s.mux.Handle("GET /static/", secure(files))
}
