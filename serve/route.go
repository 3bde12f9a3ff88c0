package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Scope is what a caller must be allowed to do to call a route.
type Scope int

const (
	// ScopePublic routes need no token: health checks and the API document.
	ScopePublic Scope = iota
	// ScopeRead routes score plans and read the registry.
	ScopeRead
	// ScopeAdmin routes change which model is live.
	ScopeAdmin
)

// String returns "public", "read" or "admin", the words token files use.
func (s Scope) String() string {
	switch s {
	case ScopeRead:
		return "read"
	case ScopeAdmin:
		return "admin"
	}
	return "public"
}

// NoBody is the request type of routes that take no body.
type NoBody struct{}

// Route is one endpoint: how it is documented and how it answers. Build
// JSON routes with JSONRoute so that the document and the handler share
// their types; Server.Register adds a route to the router and the OpenAPI
// document together, which is how later endpoints (/v1/explain,
// /v1/optimize, /v1/inventory) plug in.
type Route struct {
	// Method and Path, e.g. "POST" and "/v1/models/{name}/promote".
	Method, Path string
	// Summary is the one-line description in the API document.
	Summary string
	// Scope is the token scope the route needs.
	Scope Scope
	// Request and Response are the body types, for the document; Request
	// is nil for routes without a body. ContentType is the response's
	// media type; "" means application/json.
	Request, Response reflect.Type
	ContentType       string
	// Query documents the query parameters the route reads.
	Query []QueryParam
	// Handler answers the route once authorisation passed.
	Handler http.Handler
	// Heavy marks routes that score plans: their work (after the body is
	// read) is bounded by Limits.MaxConcurrent, MaxQueue, QueueWait and
	// Deadline. Only JSONRoute handlers honour it.
	Heavy bool
}

// QueryParam is a documented query parameter (always optional, a string).
type QueryParam struct {
	Name, Doc string
}

// HandlerFunc answers a JSON route: the decoded request body (a zero
// NoBody for body-less routes), and the response or an error (an
// *APIError for the caller's mistakes).
type HandlerFunc[Req, Resp any] func(r *http.Request, req *Req) (*Resp, error)

// JSONRoute builds a route whose request and response bodies are JSON of
// the given types.
func JSONRoute[Req, Resp any](method, path, summary string, scope Scope, limits *Limits, fn HandlerFunc[Req, Resp]) Route {
	rt := Route{Method: method, Path: path, Summary: summary, Scope: scope,
		Response: reflect.TypeFor[Resp]()}
	hasBody := reflect.TypeFor[Req]() != reflect.TypeFor[NoBody]()
	if hasBody {
		rt.Request = reflect.TypeFor[Req]()
	}
	rt.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req Req
		if hasBody {
			if err := decodeBody(w, r, limits.MaxBodyBytes, &req); err != nil {
				writeError(w, r, err)
				return
			}
		}
		var resp *Resp
		var err error
		if a := admissionFrom(r); a != nil {
			out, answered, werr := a.run(w, r, func(r *http.Request) (any, error) { return fn(r, &req) })
			if answered {
				return // past the deadline: answered 503 already
			}
			resp, _ = out.(*Resp)
			err = werr
		} else {
			resp, err = fn(r, &req)
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, r, http.StatusOK, resp)
	})
	return rt
}

// heavy marks a route as scoring plans (see Route.Heavy).
func heavy(rt Route) Route {
	rt.Heavy = true
	return rt
}

// withQuery documents a route's query parameters.
func withQuery(rt Route, params ...QueryParam) Route {
	rt.Query = params
	return rt
}

var errEmptyBody = errors.New("empty body")

// decodeBody reads one JSON value into v (whatever the Content-Type says,
// so that curl -d works), refusing unknown fields, a body
// over the limit and trailing data.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
		return decodeError(err)
	}
	body := buf.Bytes()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			err = errEmptyBody
		}
		// A number beyond float64's range, or a value of the wrong type
		// inside an array (encoding/json names the array, not the
		// element): name where it is.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			if ae := badValue(body, v); ae != nil {
				return ae
			}
		}
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Errorf(http.StatusBadRequest, "", "request body holds more than one JSON value")
	}
	if bytes.Contains(body, []byte("null")) {
		if ae := badValue(body, v); ae != nil {
			return ae
		}
	}
	return nil
}

// badValue returns the error of the first value of the JSON body that
// decoding into v misreads or refuses without naming it (valueField), nil
// where there is none.
func badValue(body []byte, v any) *APIError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return decodeError(err)
	}
	if field, msg := valueField(raw, reflect.TypeOf(v).Elem(), ""); field != "" {
		return Errorf(http.StatusBadRequest, field, "%s", msg)
	}
	return nil
}

// valueField returns the path of the first value in raw (a request body
// decoded into any, its numbers as json.Number) that type t cannot take
// as sent, and what is wrong with it; "" where there is none: a JSON null
// where t holds a number, a string or a bool (encoding/json leaves such a
// place at its zero value without an error, so "values": [null] would
// read as 0), a number beyond a 64-bit float's range, and a value of
// another JSON type where t holds a number, a string or a bool (which
// encoding/json names by its array, not its element). A null where t
// holds a pointer, a slice, a map or an interface means "not given" and is
// left to the handler.
func valueField(raw any, t reflect.Type, path string) (field, msg string) {
	if n, ok := raw.(json.Number); ok {
		switch t.Kind() {
		case reflect.String:
			return path, fmt.Sprintf("got JSON number %s: expected a string", n)
		case reflect.Bool:
			return path, fmt.Sprintf("got JSON number %s: expected true or false", n)
		}
		if _, err := strconv.ParseFloat(string(n), 64); err != nil {
			return path, fmt.Sprintf("number %s is beyond the range of a 64-bit float: expected a finite number", n)
		}
		return "", ""
	}
	switch t.Kind() {
	case reflect.Pointer:
		if raw == nil {
			return "", ""
		}
		return valueField(raw, t.Elem(), path)
	case reflect.Struct:
		obj, _ := raw.(map[string]any)
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if val, ok := obj[name]; ok {
				if field, msg := valueField(val, f.Type, joinField(path, name)); field != "" {
					return field, msg
				}
			}
		}
	case reflect.Slice, reflect.Array:
		arr, _ := raw.([]any)
		for i, val := range arr {
			if field, msg := valueField(val, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); field != "" {
				return field, msg
			}
		}
	case reflect.Map:
		obj, _ := raw.(map[string]any)
		for _, k := range sortedNames(obj) {
			if field, msg := valueField(obj[k], t.Elem(), joinField(path, k)); field != "" {
				return field, msg
			}
		}
	case reflect.Interface:
		// Any value fits, but a number beyond range (above) or inside an
		// array or object may not.
		switch x := raw.(type) {
		case []any, map[string]any:
			return valueField(x, reflect.TypeOf(x), path)
		}
	case reflect.String:
		if raw == nil {
			return path, "null: expected a string"
		}
	case reflect.Bool:
		if raw == nil {
			return path, "null: expected true or false"
		}
	default:
		switch x := raw.(type) {
		case nil:
			return path, "null: expected a number"
		case string:
			return path, fmt.Sprintf("got JSON string %q: expected a number", x)
		case bool:
			return path, fmt.Sprintf("got JSON %v: expected a number", x)
		case []any:
			return path, "got a JSON array: expected a number"
		case map[string]any:
			return path, "got a JSON object: expected a number"
		}
	}
	return "", ""
}

// joinField names field name of the object at path (the object itself
// when name is empty).
func joinField(path, name string) string {
	switch {
	case path == "":
		return name
	case name == "":
		return path
	}
	return path + "." + name
}

// writeJSON writes v as the response body with its length, encoded into a
// buffer reused across responses; a value that cannot be encoded (a
// number that is not finite) is logged with the request and answered 500.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		if l := loggerFrom(r); l != nil {
			l.Error("response could not be encoded", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		status = http.StatusInternalServerError
		buf.Reset()
		json.NewEncoder(buf).Encode(Error{ErrorDetail{Message: "internal error: response could not be encoded", Status: status}})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// buffers holds request and response body buffers for reuse; one grown
// past maxPooledBuffer is let go, so a rare large body does not stay
// resident.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBuffer = 1 << 20

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		buffers.Put(b)
	}
}

// writeError reports err as a structured error; errors that are not
// *APIError are internal and their text is not shown to the caller.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *APIError
	if !errors.As(err, &ae) {
		if l := loggerFrom(r); l != nil {
			l.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		ae = Errorf(http.StatusInternalServerError, "", "internal error: the server logged the details")
	}
	if ae.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="promocast"`)
	}
	if ae.retryAfter != "" {
		w.Header().Set("Retry-After", ae.retryAfter)
	}
	writeJSON(w, r, ae.Status, Error{ErrorDetail{Message: shorten(ae.Message), Field: ae.Field, Status: ae.Status}})
}

// maxMessage bounds an error message's bytes: a message quotes the value
// at fault, and a 100 kB key came back whole.
const maxMessage = 1000

// shorten cuts a message past maxMessage bytes, at a rune boundary, and
// says so.
func shorten(m string) string {
	if len(m) <= maxMessage {
		return m
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(m[cut]) {
		cut--
	}
	return m[:cut] + fmt.Sprintf("… (%d more bytes)", len(m)-cut)
}

// routeKey identifies a route in the router.
func routeKey(method, path string) string { return method + " " + path }

func (rt Route) check() error {
	switch {
	case rt.Method == "" || strings.ToUpper(rt.Method) != rt.Method:
		return fmt.Errorf("route %s: method %q must be upper case", rt.Path, rt.Method)
	case !strings.HasPrefix(rt.Path, "/"):
		return fmt.Errorf("route %s %s: path must start with /", rt.Method, rt.Path)
	case rt.Handler == nil:
		return fmt.Errorf("route %s %s: no handler", rt.Method, rt.Path)
	case rt.Response == nil:
		return fmt.Errorf("route %s %s: no response type: every route is documented", rt.Method, rt.Path)
	case rt.Summary == "":
		return fmt.Errorf("route %s %s: no summary: every route is documented", rt.Method, rt.Path)
	}
	return nil
}
