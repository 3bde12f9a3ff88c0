package serve

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// schemaer lets a type give its own JSON schema in the API document.
type schemaer interface{ JSONSchema() map[string]any }

// JSONSchema describes a plan row: an object of strings, numbers,
// booleans and nulls (a missing plain covariate).
func (PlanRow) JSONSchema() map[string]any {
	return map[string]any{"type": "object", "description": "one plan row: keys and time (string or number) and every known covariate (number; null where a covariate that is no lever, price or cost is unknown)",
		"additionalProperties": map[string]any{"type": []string{"string", "number", "boolean", "null"}}}
}

// schemas generates JSON schemas (OpenAPI 3.1 dialect) from Go types:
// named structs become components referenced with $ref.
type schemas struct {
	defs map[string]any
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	rawType     = reflect.TypeFor[json.RawMessage]()
	schemaerTyp = reflect.TypeFor[schemaer]()
)

func (g *schemas) of(t reflect.Type) map[string]any {
	if t.Implements(schemaerTyp) {
		return reflect.Zero(t).Interface().(schemaer).JSONSchema()
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.of(t.Elem())
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.of(t.Elem())}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return g.object(t)
		}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = nil // placeholder against recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func (g *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		s := g.of(f.Type)
		if d := f.Tag.Get("doc"); d != "" || f.Tag.Get("enum") != "" {
			// $ref siblings are allowed in OpenAPI 3.1; copy to keep the
			// shared component untouched.
			c := map[string]any{}
			for k, v := range s {
				c[k] = v
			}
			if d != "" {
				c["description"] = d
			}
			if e := f.Tag.Get("enum"); e != "" {
				c["enum"] = strings.Split(e, ",")
			}
			s = c
		}
		props[name] = s
		// A pointer field is optional unless tagged required:"true" (a
		// number that must be given, whose null or absence the handler
		// refuses rather than reading 0).
		if f.Tag.Get("required") == "true" || !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
			required = append(required, name)
		}
	}
	sort.Strings(required)
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

// openAPI builds the API document of the routes.
func openAPI(routes []Route, version string) map[string]any {
	g := &schemas{defs: map[string]any{}}
	errRef := g.of(reflect.TypeFor[Error]())
	paths := map[string]any{}
	for _, rt := range routes {
		op := map[string]any{
			"summary":           rt.Summary,
			"operationId":       operationID(rt),
			"x-promocast-scope": rt.Scope.String(),
			"responses":         map[string]any{},
		}
		ct := rt.ContentType
		if ct == "" {
			ct = "application/json"
		}
		resp := map[string]any{"description": "success", "content": map[string]any{ct: map[string]any{"schema": g.of(rt.Response)}}}
		responses := map[string]any{
			"200":     resp,
			"default": errorResponse(errRef, "unexpected error (500: the server logged the details)", false),
		}
		for _, code := range errorStatuses(rt) {
			responses[strconv.Itoa(code)] = errorResponse(errRef, errorMeaning(code), code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable && rt.Heavy)
		}
		op["responses"] = responses
		if rt.Request != nil {
			op["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{"application/json": map[string]any{"schema": g.of(rt.Request)}}}
		}
		var params []any
		for _, seg := range strings.Split(rt.Path, "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true,
					"schema": map[string]any{"type": "string"}})
			}
		}
		for _, q := range rt.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": false, "description": q.Doc,
				"schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Scope == ScopePublic {
			op["security"] = []any{} // overrides the document's bearer requirement
		}
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "promocast", "version": version,
			"description": "Forecast what a promotion will do: units, baseline, uplift, money and intervals per plan row."},
		"servers": []any{map[string]any{"url": "http://127.0.0.1:8080",
			"description": "the default address of 'promocast serve'; use the address the server listens on (--addr)"}},
		"security": []any{map[string]any{"bearer": []string{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
				"description": "An API token from the server's token file (--tokens) or PROMOCAST_TOKENS, of scope read or admin (x-promocast-scope says which a route needs). Without tokens configured, read routes are open."}},
		},
	}
}

// errorStatuses lists the failures a route documents besides the default:
// bad input for routes that take input, 401 and 403 for routes behind
// tokens, 413 for bodies, 404 for a path naming a model, 409 and 422 for
// admin changes, 429 and 503 for plan-scoring routes (503 also before a
// model is loaded and while draining).
func errorStatuses(rt Route) []int {
	var out []int
	hasPathParam := strings.Contains(rt.Path, "{")
	if rt.Request != nil || len(rt.Query) > 0 || hasPathParam {
		out = append(out, http.StatusBadRequest)
	}
	if rt.Scope != ScopePublic {
		out = append(out, http.StatusUnauthorized, http.StatusForbidden)
	}
	if hasPathParam {
		out = append(out, http.StatusNotFound)
	}
	if rt.Scope == ScopeAdmin {
		out = append(out, http.StatusConflict)
	}
	if rt.Request != nil {
		out = append(out, http.StatusRequestEntityTooLarge)
	}
	if rt.Scope == ScopeAdmin || rt.Heavy {
		out = append(out, http.StatusUnprocessableEntity)
	}
	if rt.Heavy {
		out = append(out, http.StatusTooManyRequests)
	}
	if rt.Scope != ScopePublic || rt.Path == "/readyz" {
		out = append(out, http.StatusServiceUnavailable)
	}
	return out
}

// errorMeaning describes what an error status means on this API.
func errorMeaning(code int) string {
	switch code {
	case http.StatusBadRequest:
		return "the request is malformed or a value is invalid; error.field is the JSON path of the offending input"
	case http.StatusUnauthorized:
		return "no token, or an unknown one (the answer carries WWW-Authenticate: Bearer)"
	case http.StatusForbidden:
		return "the token's scope does not allow this route"
	case http.StatusNotFound:
		return "no such model name or version"
	case http.StatusConflict:
		return "the registry cannot do this now (no earlier live version to return to, or it changed meanwhile)"
	case http.StatusRequestEntityTooLarge:
		return "the body, its rows or a sweep exceed this server's limits; split the request"
	case http.StatusUnprocessableEntity:
		return "well-formed but cannot be answered: a version that cannot be served, or a plan the model cannot score"
	case http.StatusTooManyRequests:
		return "the server's queue for plan-scoring work is full; retry after Retry-After seconds"
	case http.StatusServiceUnavailable:
		return "no live model yet, draining, no capacity within the queue wait, or the work outlasted the deadline; retry later"
	}
	return http.StatusText(code)
}

// errorResponse is an error answer's description, with Retry-After when
// retry says the status carries it.
func errorResponse(errRef map[string]any, desc string, retry bool) map[string]any {
	r := map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": errRef}}}
	if retry {
		r["headers"] = map[string]any{"Retry-After": map[string]any{"description": "seconds to wait before retrying",
			"schema": map[string]any{"type": "integer", "minimum": 1}}}
	}
	return r
}

func operationID(rt Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, seg := range strings.Split(rt.Path, "/") {
		seg = strings.Trim(seg, "{}")
		if seg == "" {
			continue
		}
		for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
