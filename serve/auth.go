package serve

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Token is an API token and what it allows: ScopeRead scores plans and
// reads the registry; ScopeAdmin also promotes and rolls back models.
type Token struct {
	Value string
	Scope Scope
}

// MinTokenLength is the shortest token ParseTokens accepts.
const MinTokenLength = 16

// ParseTokens reads tokens, one "TOKEN SCOPE" pair per line (scope read or
// admin); blank lines and lines starting with # are skipped, and commas
// separate pairs too, so that an environment variable can hold several.
// source names the input in errors.
func ParseTokens(r io.Reader, source string) ([]Token, error) {
	var out []Token
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		for _, entry := range strings.Split(sc.Text(), ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" || strings.HasPrefix(entry, "#") {
				continue
			}
			f := strings.Fields(entry)
			if len(f) != 2 {
				return nil, fmt.Errorf("%s: line %d: expected \"TOKEN SCOPE\" (scope read or admin), got %d words", source, line, len(f))
			}
			var scope Scope
			switch f[1] {
			case "read":
				scope = ScopeRead
			case "admin":
				scope = ScopeAdmin
			default:
				return nil, fmt.Errorf("%s: line %d: scope %q: expected read or admin", source, line, f[1])
			}
			if len(f[0]) < MinTokenLength {
				return nil, fmt.Errorf("%s: line %d: token is %d characters; use at least %d random characters", source, line, len(f[0]), MinTokenLength)
			}
			if seen[f[0]] {
				return nil, fmt.Errorf("%s: line %d: token appears twice", source, line)
			}
			seen[f[0]] = true
			out = append(out, Token{Value: f[0], Scope: scope})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return out, nil
}

// auth decides whether a request may call a route.
type auth struct {
	tokens        []hashedToken
	insecureAdmin bool
}

type hashedToken struct {
	sum   [32]byte
	scope Scope
}

func newAuth(tokens []Token, insecureAdmin bool) *auth {
	a := &auth{insecureAdmin: insecureAdmin}
	for _, t := range tokens {
		a.tokens = append(a.tokens, hashedToken{sha256.Sum256([]byte(t.Value)), t.Scope})
	}
	return a
}

// check returns nil when the request may call a route of the given scope.
func (a *auth) check(r *http.Request, need Scope) *APIError {
	if need == ScopePublic {
		return nil
	}
	if len(a.tokens) == 0 {
		if need == ScopeAdmin && !a.insecureAdmin {
			return Errorf(http.StatusForbidden, "", "admin routes are off: no API tokens are configured (give --tokens FILE or PROMOCAST_TOKENS with an admin token, or --insecure-admin on a trusted machine)")
		}
		return nil
	}
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return Errorf(http.StatusUnauthorized, "", "missing token: send the header \"Authorization: Bearer TOKEN\"")
	}
	sum := sha256.Sum256([]byte(tok))
	found := -1
	for i, t := range a.tokens {
		// Compare every token in constant time so timing does not tell
		// which one nearly matched.
		if subtle.ConstantTimeCompare(sum[:], t.sum[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Errorf(http.StatusUnauthorized, "", "unknown token")
	}
	if have := a.tokens[found].scope; have < need {
		return Errorf(http.StatusForbidden, "", "the token has scope %s; this route needs %s", have, need)
	}
	return nil
}
