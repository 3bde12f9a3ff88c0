package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"promocast/modelfile"
)

func inspectCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "inspect MODEL",
		Short: "Describe a model file: spec, features, training window, metrics",
		Example: `  promocast inspect model.json
  promocast inspect --json model.json | jq .features`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mf, err := modelfile.Read(args[0])
			if err != nil {
				return err
			}
			m := mf.Model
			if asJSON {
				b, err := json.MarshalIndent(struct {
					Model   any                `json:"model"`
					Metrics map[string]float64 `json:"metrics,omitempty"`
				}{m, mf.Metrics}, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, string(b))
				return nil
			}
			w := e.stdout
			fmt.Fprintf(w, "model file   %s (format %s version %d, checksum verified)\n", args[0], modelfile.Format, mf.Version)
			fmt.Fprintf(w, "learner      %s\n", m.Kind)
			fmt.Fprintf(w, "forecasts    up to %d periods after the origin, trained for %d..%d (gap %d, horizon %d)\n", m.Gap+m.Horizon, m.Gap+1, m.Gap+m.Horizon, m.Gap, m.Horizon)
			fmt.Fprintf(w, "trained on   %d rows of %d series, %s .. %s (%s)\n", m.Rows, m.Series, m.TrainFirst, m.TrainLast, m.Spec.Time.Frequency)
			fmt.Fprintf(w, "time         %s\n", m.Spec.Time.Column)
			fmt.Fprintf(w, "keys         %s\n", strings.Join(m.Spec.Keys, ", "))
			fmt.Fprintf(w, "target       %s\n", m.Spec.Target)
			fmt.Fprintf(w, "known        %s\n", strings.Join(m.Spec.Known, ", "))
			fmt.Fprintf(w, "static       %s\n", strings.Join(m.Spec.Static, ", "))
			if r := m.Ranges; r != nil && r.Group != "" {
				fmt.Fprintf(w, "group        %s (peers for cannibalisation and the guard rails)\n", r.Group)
			}
			levers, _ := m.Spec.Levers()
			for _, l := range levers {
				off := fmt.Sprint(l.Number)
				switch {
				case l.Column != "":
					off = "column " + l.Column
				case l.Window > 0:
					off = fmt.Sprintf("trailing max over %d periods", l.Window)
				}
				fmt.Fprintf(w, "lever        %s (off: %s)\n", l.Name, off)
			}
			switch events := m.EventNames(); {
			case len(events) == 0:
				fmt.Fprintf(w, "events       none\n")
			case m.NoEventDistance:
				fmt.Fprintf(w, "events       %s (each as event_, pre_ and post_ features)\n", strings.Join(events, ", "))
			default:
				fmt.Fprintf(w, "events       %s (each as event_, pre_, post_ and days_to_ features)\n", strings.Join(events, ", "))
			}
			names := make([]string, len(m.Features))
			for i, f := range m.Features {
				names[i] = f.Name
			}
			fmt.Fprintf(w, "features     %d: %s\n", len(names), strings.Join(names, ", "))
			for _, k := range sortedKeys(mf.Metrics) {
				fmt.Fprintf(w, "metric       %s = %.4g\n", k, mf.Metrics[k])
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the model description as JSON")
	return cmd
}
