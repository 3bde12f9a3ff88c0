package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"promocast/data"
	"promocast/panel"
)

// Error is the body of every failed request:
//
//	{"error": {"message": "expected a number, got text \"cheap\"", "field": "rows[3].price"}}
type Error struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what was wrong and, when one field was, which.
type ErrorDetail struct {
	// Message says what was wrong and what was expected.
	Message string `json:"message"`
	// Field is the JSON path of the offending input, e.g. "rows[3].price"
	// or "values"; empty when the request as a whole was wrong.
	Field string `json:"field,omitempty"`
	// Status repeats the HTTP status code.
	Status int `json:"status"`
}

// APIError is an error with the HTTP status and field to report. Handlers
// return it; any other error is reported as a 500 without its text.
type APIError struct {
	Status  int
	Field   string
	Message string
	// retryAfter is the Retry-After header of a refusal for want of
	// capacity, in seconds; "" sends none.
	retryAfter string
}

func (e *APIError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Errorf returns an APIError with a status, a field path ("" for none) and
// a message.
func Errorf(status int, field, format string, args ...any) *APIError {
	return &APIError{Status: status, Field: field, Message: fmt.Sprintf(format, args...)}
}

// rowField is the JSON path of a plan column on a row (0-based).
func rowField(row int, column string) string {
	if column == "" {
		return fmt.Sprintf("rows[%d]", row)
	}
	return fmt.Sprintf("rows[%d].%s", row, column)
}

// scoringError turns an error from package forecast or panel about a plan
// into an APIError naming the request field.
func scoringError(err error, keys []string) *APIError {
	var re *panel.RowError
	if errors.As(err, &re) {
		col := re.Column
		if strings.HasPrefix(col, "[") {
			// panel names all the keys when a series is unknown.
			col = ""
			if len(keys) == 1 {
				col = keys[0]
			}
		}
		return Errorf(http.StatusBadRequest, rowField(re.Row-1, col), "%v", re.Err)
	}
	var me *data.MissingColumnError
	if errors.As(err, &me) {
		return Errorf(http.StatusBadRequest, rowField(0, me.Column), "missing: every plan row needs the %s %q", me.Role, me.Column)
	}
	return Errorf(http.StatusBadRequest, "", "%v", err)
}

// decodeError turns a JSON decoding error into an APIError.
func decodeError(err error) *APIError {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var mb *http.MaxBytesError
	var ae *APIError
	switch {
	case errors.As(err, &ae):
		return ae // a field's own decoder named what is wrong
	case errors.As(err, &mb):
		return Errorf(http.StatusRequestEntityTooLarge, "", "request body is larger than this server's limit of %d bytes: send fewer rows per request", mb.Limit)
	case errors.As(err, &se):
		return Errorf(http.StatusBadRequest, "", "request body is not valid JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		return Errorf(http.StatusBadRequest, te.Field, "expected %s, got JSON %s", jsonTypeName(te.Type), te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(http.StatusBadRequest, "", "request body is not valid JSON: it ends before the value is complete")
	case errors.Is(err, errEmptyBody):
		return Errorf(http.StatusBadRequest, "", "request body is empty: expected a JSON object")
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return Errorf(http.StatusBadRequest, strings.Trim(f, `"`), "unknown field")
	}
	return Errorf(http.StatusBadRequest, "", "request body: %v", err)
}

// jsonTypeName says in JSON's words what a Go type decodes from, so that
// messages name no Go types.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a JSON array"
	case reflect.Map, reflect.Struct:
		return "a JSON object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	}
	return "another JSON type"
}
