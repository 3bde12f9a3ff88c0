package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"promocast/registry"
	"promocast/serve"
)

type modelsFlags struct {
	store, name       string
	model, data, spec string
	backtest          string
	version           int
	promote           bool
}

func modelsCmd(e *env) *cobra.Command {
	var f modelsFlags
	cmd := &cobra.Command{
		Use:   "models list|register|promote|rollback --store promocast.db",
		Short: "Manage the model registry: list, register, promote and roll back versions",
		Long: `models manages the registry that 'promocast serve' answers from: an SQLite file
holding every registered model version (the model file itself, its checksum,
the fingerprint of its history, its spec and backtest metrics) and which
version of each name is live. A running server picks up promotions and
rollbacks made here within its --poll interval.`,
		Example: `  promocast models register --model model.json --data sales.csv.gz --spec spec.yaml --name shop
  promocast models register --model model.json --data sales.csv.gz --backtest backtest/ --name shop
  promocast models list
  promocast models promote --name shop --version 2
  promocast models rollback --name shop`,
		Args: cobra.NoArgs,
	}
	cmd.PersistentFlags().StringVar(&f.store, "store", "promocast.db", "registry database (SQLite file)")
	cmd.PersistentFlags().StringVar(&f.name, "name", "default", "model name")

	list := &cobra.Command{Use: "list", Short: "List model versions", Args: cobra.NoArgs,
		Example: "  promocast models list --store promocast.db --name shop",
		RunE:    func(cmd *cobra.Command, _ []string) error { return runModelsList(cmd, e, f) }}

	register := &cobra.Command{Use: "register --model FILE --data HISTORY [--spec SPEC] [--backtest DIR] [--promote]",
		Short: "Add a model file as a new version (corrupt files are refused)", Args: cobra.NoArgs,
		Example: "  promocast models register --model model.json --data sales.csv.gz --spec spec.yaml --backtest bt/ --name shop --promote",
		RunE:    func(cmd *cobra.Command, _ []string) error { return runModelsRegister(cmd, e, f) }}
	register.Flags().StringVar(&f.model, "model", "", "model file from 'promocast train'")
	register.Flags().StringVar(&f.data, "data", "", "history the model scores against; its sha256 is recorded")
	register.Flags().StringVar(&f.spec, "spec", "", "dataset spec, for attribute and event files (default: the model's)")
	register.Flags().StringVar(&f.backtest, "backtest", "", "folder written by 'promocast backtest --out': its metrics.csv and predictions.csv are stored with the version for the server's backtest view")
	register.Flags().BoolVar(&f.promote, "promote", false, "also make the new version live")

	promote := &cobra.Command{Use: "promote --version N", Short: "Make a version live", Args: cobra.NoArgs,
		Example: "  promocast models promote --store promocast.db --name shop --version 3",
		RunE:    func(cmd *cobra.Command, _ []string) error { return runModelsPromote(cmd, e, f) }}
	promote.Flags().IntVar(&f.version, "version", 0, "version to make live")

	rollback := &cobra.Command{Use: "rollback", Short: "Return to the version live before the live one", Args: cobra.NoArgs,
		Example: "  promocast models rollback --store promocast.db --name shop",
		RunE:    func(cmd *cobra.Command, _ []string) error { return runModelsRollback(cmd, e, f) }}

	cmd.AddCommand(list, register, promote, rollback)
	return cmd
}

func openStore(cmd *cobra.Command, f modelsFlags) (*registry.Store, error) {
	return registry.Open(cmd.Context(), f.store, registry.Options{Check: serve.Check(serve.LoadHistory)})
}

func runModelsList(cmd *cobra.Command, e *env, f modelsFlags) error {
	st, err := openStore(cmd, f)
	if err != nil {
		return err
	}
	defer st.Close()
	name := ""
	if cmd.Flags().Changed("name") {
		name = f.name
	}
	list, err := st.List(cmd.Context(), name)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "no models in %s: add one with 'promocast models register'\n", f.store)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tversion\tlive\tkind\tcreated\tchecksum\thistory\twape\t")
	for _, m := range list {
		live := ""
		if m.Live {
			live = "live"
		}
		wape := "-"
		if v, ok := m.Metrics["backtest_wape"]; ok {
			wape = fmt.Sprintf("%.3f", v)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", m.Name, m.Version, live, m.Kind, m.Created.Format("2006-01-02 15:04:05"),
			short(m.Checksum), m.DataSource, wape)
	}
	return tw.Flush()
}

func short(sum string) string {
	if len(sum) > 19 {
		return sum[:19]
	}
	return sum
}

func runModelsRegister(cmd *cobra.Command, e *env, f modelsFlags) error {
	if f.model == "" || f.data == "" {
		return usagef("--model and --data are required: the model file and the history it scores against")
	}
	if err := registry.CheckName(f.name); err != nil {
		return usageError{err}
	}
	st, err := openStore(cmd, f)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := serve.ReleaseFiles(cmd.Context(), st, serve.Files{Name: f.name, Model: f.model, Data: f.data, Spec: f.spec,
		Backtest: f.backtest, Promote: f.promote})
	if m := r.Model; m.Version != 0 {
		if r.Existed {
			fmt.Fprintf(e.stdout, "%s is already registered as %s version %d\n", f.model, m.Name, m.Version)
		} else {
			fmt.Fprintf(e.stdout, "registered %s as %s version %d (%s)\n", f.model, m.Name, m.Version, short(m.Checksum))
		}
	}
	if r.Backtest != nil {
		fmt.Fprintf(e.stdout, "stored the backtest in %s with it (%d scored rows)\n", f.backtest, len(r.Backtest.Predictions))
	}
	if r.Live {
		fmt.Fprintf(e.stdout, "%s version %d is live\n", r.Model.Name, r.Model.Version)
	}
	return err
}

func runModelsPromote(cmd *cobra.Command, e *env, f modelsFlags) error {
	if f.version < 1 {
		return usagef("--version is required: the version to make live")
	}
	st, err := openStore(cmd, f)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := st.Promote(cmd.Context(), f.name, f.version)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s version %d is live\n", m.Name, m.Version)
	return nil
}

func runModelsRollback(cmd *cobra.Command, e *env, f modelsFlags) error {
	st, err := openStore(cmd, f)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := st.Rollback(cmd.Context(), f.name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s version %d is live again\n", m.Name, m.Version)
	return nil
}
