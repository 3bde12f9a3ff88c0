package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date: the number of days since 1970-01-01 (which is 0).
// Dates before 1970 are negative. Arithmetic is plain integer arithmetic:
// d+7 is a week later, b-a is the number of days between a and b.
type Date int32

// DateOf returns the date of year, month and day. Out-of-range months and
// days normalise as in time.Date (January 32 is February 1).
func DateOf(year int, month time.Month, day int) Date {
	if month < 1 || month > 12 || day < 1 || day > 28 {
		t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
		year, month, day = t.Date()
	}
	return Date(daysFromCivil(year, int(month), day))
}

// FromTime returns the civil date of t in t's own location.
func FromTime(t time.Time) Date {
	y, m, d := t.Date()
	return DateOf(y, m, d)
}

// Time returns the date as midnight UTC.
func (d Date) Time() time.Time {
	y, m, day := d.Civil()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

// Civil returns the year, month and day of d.
func (d Date) Civil() (year int, month time.Month, day int) {
	y, m, dd := civilFromDays(int64(d))
	return y, time.Month(m), dd
}

// Year returns d's year.
func (d Date) Year() int {
	y, _, _ := civilFromDays(int64(d))
	return y
}

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (int64(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// String formats d as 2006-01-02.
func (d Date) String() string {
	y, m, day := civilFromDays(int64(d))
	return fmt.Sprintf("%04d-%02d-%02d", y, m, day)
}

// AppendText appends d formatted as 2006-01-02 to b without allocating
// beyond b's growth, for writers of many rows. Years outside 0..9999 are
// formatted by String's rules.
func (d Date) AppendText(b []byte) []byte {
	y, m, day := civilFromDays(int64(d))
	if y < 0 || y > 9999 {
		return append(b, d.String()...)
	}
	return append(b,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+day/10), byte('0'+day%10))
}

// dateLayouts are the layouts ParseDate accepts, the same the dataset spec
// accepts for a date column without an explicit format.
var dateLayouts = [...]string{"2006-01-02", "2006/01/02", "20060102", time.RFC3339}

// ParseDate parses a date written as 2006-01-02, 2006/01/02, 20060102 or an
// RFC 3339 timestamp (whose civil date in its own offset is kept).
func ParseDate(s string) (Date, error) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return FromTime(t), nil
		}
	}
	return 0, fmt.Errorf("%q is not a date: expected YYYY-MM-DD", s)
}

// daysFromCivil converts a proleptic Gregorian date to days since
// 1970-01-01 (Howard Hinnant's algorithm, exact for all int32 day counts).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := int64(y - era*400)
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}
