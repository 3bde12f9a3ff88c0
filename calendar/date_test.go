package calendar

import (
	"testing"
	"time"
)

func TestDateMatchesTime(t *testing.T) {
	start := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 120000; i += 7 {
		tm := start.AddDate(0, 0, i)
		d := FromTime(tm)
		if int64(d) != tm.Unix()/86400 {
			t.Fatalf("FromTime(%s) = %d, want %d", tm.Format(time.DateOnly), d, tm.Unix()/86400)
		}
		if !d.Time().Equal(tm) || d.String() != tm.Format(time.DateOnly) || d.Weekday() != tm.Weekday() {
			t.Fatalf("%s: Time %s String %s Weekday %s", tm.Format(time.DateOnly), d.Time(), d, d.Weekday())
		}
		if got := string(d.AppendText(nil)); got != d.String() {
			t.Fatalf("AppendText = %q, String = %q", got, d.String())
		}
	}
	if DateOf(2024, 2, 30).String() != "2024-03-01" {
		t.Errorf("DateOf(2024, 2, 30) = %s, want 2024-03-01", DateOf(2024, 2, 30))
	}
	if DateOf(1900, 1, 1) != Earliest || DateOf(2199, 12, 31) != Latest {
		t.Errorf("Earliest/Latest constants are wrong")
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2025-11-11", "2025/11/11", "20251111", "2025-11-11T23:30:00+08:00"} {
		d, err := ParseDate(s)
		if err != nil || d != DateOf(2025, 11, 11) {
			t.Errorf("ParseDate(%q) = %s, %v", s, d, err)
		}
	}
	for _, s := range []string{"", "2025-13-01", "11/11/2025", "2025-02-30"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) succeeded", s)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Double 11": "double_11", "  618 ": "618", "Brand-Day!!": "brand_day", "a__b": "a_b", "双11": "11", "—": "",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}
