package serve

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"
)

// schemaer lets a type give its own JSON schema in the API document.
type schemaer interface{ JSONSchema() map[string]any }

// JSONSchema describes a plan row: an object of strings, numbers and
// booleans.
func (PlanRow) JSONSchema() map[string]any {
	return map[string]any{"type": "object", "description": "one plan row: keys and time (string or number) and every known covariate (number)",
		"additionalProperties": map[string]any{"type": []string{"string", "number", "boolean"}}}
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
		if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
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
		op["responses"] = map[string]any{
			"200":     resp,
			"default": map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": errRef}}},
		}
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
		if rt.Scope != ScopePublic {
			op["security"] = []any{map[string]any{"bearer": []string{}}}
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
		"paths": paths,
		"components": map[string]any{
			"schemas":         g.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
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
