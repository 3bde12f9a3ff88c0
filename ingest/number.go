package ingest

import (
	"math"
	"strconv"
	"strings"

	"promocast/data"
)

// isMissing reports whether b is a missing-value token (data.IsMissingText):
// "", NA, N/A, NaN, nan, null or NULL.
func isMissing(b []byte) bool {
	return len(b) <= 4 && data.IsMissingText(string(b)) // a short non-escaping conversion does not allocate
}

// expectedNumber says what a cell that is not a number should have been:
// "a finite number" for an infinity or a number too large for float64,
// and how to write it for a number with a comma (a decimal comma, "0,8",
// or a thousands separator, "1,234").
func expectedNumber(b []byte) string {
	if v, _ := strconv.ParseFloat(string(b), 64); math.IsInf(v, 0) {
		return "a finite number"
	}
	if s := string(b); strings.Contains(s, ",") {
		_, point := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
		_, none := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if point == nil || none == nil {
			return "a number: write decimals with a point and no thousands separators (1234.5)"
		}
	}
	return "a number"
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseNumber parses a number cell. ok is false when b is not a number (nor
// a missing token, which the caller checks first). plain reports that
// formatPlain(v) gives back exactly b, so the text need not be kept in case
// the column later turns out to hold text.
//
// Plain numbers are `-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?` with the digit
// counts plainDigits allows. Most of them, up to 2^53 as an integer mantissa, are
// converted here exactly (an integer divided by an exact power of ten is
// correctly rounded); everything else goes to strconv.ParseFloat.
func parseNumber(b []byte) (v float64, plain, ok bool) {
	i, neg := 0, false
	if len(b) > 0 && b[0] == '-' {
		neg, i = true, 1
	}
	start := i
	var mant uint64 // wraps past 19 digits, when it is not used
	for ; i < len(b); i++ {
		d := b[i] - '0'
		if d > 9 {
			break
		}
		mant = mant*10 + uint64(d)
	}
	intDigits := i - start
	plain = intDigits == 1 || intDigits > 1 && b[start] != '0'
	frac, point := 0, false
	if i < len(b) && b[i] == '.' {
		point = true
		i++
		fs := i
		for ; i < len(b); i++ {
			d := b[i] - '0'
			if d > 9 {
				break
			}
			mant = mant*10 + uint64(d)
		}
		frac = i - fs
		if frac == 0 || b[i-1] == '0' {
			plain = false
		}
	}
	if digits := intDigits + frac; i == len(b) && digits > 0 && digits <= 19 && mant < 1<<53 && frac < len(pow10) {
		v = float64(mant) / pow10[frac]
		if neg {
			v = -v
		}
		return v, plain && plainDigits(decimalLen(mant), point), true
	}
	plain = plain && i == len(b) && plainDigits(significant(b[start:i]), point)
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		// Infinities are refused, and "NaN" is left to the missing tokens.
		return math.NaN(), false, false
	}
	return v, plain, true
}

// decimalLen returns the number of decimal digits of n, 0 for 0.
func decimalLen(n uint64) int {
	d := 0
	for ; n > 0; n /= 10 {
		d++
	}
	return d
}

// significant counts the digits of a decimal after its leading zeros.
func significant(b []byte) int {
	n, lead := 0, true
	for _, c := range b {
		if c < '0' || c > '9' || lead && c == '0' {
			continue
		}
		lead = false
		n++
	}
	return n
}

// plainDigits reports whether a number with sig significant digits is
// rebuilt exactly by formatPlain. Up to 15 digits it always is. A decimal
// fraction of 16 or 17 digits is when it was written in shortest form, as Go,
// Python and pandas write floats; one that was not would lose only digits
// below float64 precision. An integer of 16 or more digits is more likely an
// id than a measurement, so its text is always kept.
func plainDigits(sig int, point bool) bool {
	return sig <= 15 || (point && sig <= 17)
}

// formatPlain is the inverse of parseNumber for plain numbers: the shortest
// decimal that parses back to v, without an exponent.
func formatPlain(dst []byte, v float64) []byte {
	return strconv.AppendFloat(dst, v, 'f', -1, 64)
}
