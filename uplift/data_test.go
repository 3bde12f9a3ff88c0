package uplift

import (
	"strings"
	"testing"

	"promocast/ingest"
)

func frame(t *testing.T, csv string) *Data {
	t.Helper()
	f, err := ingest.ReadCSV(strings.NewReader(csv), "log.csv", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := FromFrame(f, Columns{Treatment: "arm", Outcome: "y", Drop: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestFromFrame(t *testing.T) {
	d := frame(t, "id,x,channel,arm,y\n1,0.5,web,mail,1\n2,1.5,phone,No mail,0\n3,2,web,sms,0\n")
	if got := strings.Join(d.Arms, "|"); got != "No mail|mail|sms" {
		t.Errorf("arms %s, want the control first", got)
	}
	if d.T[0] != 1 || d.T[1] != 0 || d.T[2] != 2 || d.Y[0] != 1 {
		t.Errorf("arms %v outcomes %v", d.T, d.Y)
	}
	if len(d.Features) != 2 || d.Features[0].Name != "x" || !d.Features[1].Categorical {
		t.Errorf("features %+v: want x and the categorical channel", d.Features)
	}
}

func TestFromFrameErrors(t *testing.T) {
	cases := []struct {
		csv  string
		cols Columns
		want []string
	}{
		{"x,arm,y\n1,mail,1\n2,mail,0\n", Columns{Treatment: "arm", Outcome: "y"}, []string{`treatment column "arm"`, `only the value "mail"`}},
		{"x,arm,y\n1,mail,yes\n2,none,0\n", Columns{Treatment: "arm", Outcome: "y"}, []string{`outcome column "y"`, `"yes"`, "row 1"}},
		{"x,arm,y\n1,mail,1\n2,sms,0\n", Columns{Treatment: "arm", Outcome: "y"}, []string{`"mail", "sms"`, "--control"}},
		{"x,arm,y\n1,mail,1\n2,none,0\n", Columns{Treatment: "arm", Outcome: "y", Control: "ctrl"}, []string{`no value "ctrl"`}},
		{"x,arm,y\n1,mail,1\n2,,0\n", Columns{Treatment: "arm", Outcome: "y"}, []string{"row 2", "empty"}},
		{"x,arm,y\n1,mail,1\n2,none,0\n", Columns{Treatment: "group", Outcome: "y"}, []string{`"group"`, "treatment"}},
		{"x,arm,y\n1,mail,1\n2,none,\n", Columns{Treatment: "arm", Outcome: "y"}, []string{"row 2", `outcome column "y"`}},
	}
	for _, c := range cases {
		f, err := ingest.ReadCSV(strings.NewReader(c.csv), "log.csv", ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = FromFrame(f, c.cols)
		if err == nil {
			t.Errorf("%q: no error", c.csv)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %q does not mention %s", c.csv, err, w)
			}
		}
	}
}
