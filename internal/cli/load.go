package cli

import (
	"sort"

	"promocast/data"
	"promocast/dataset"
	"promocast/modelfile"
)

// readSpec reads the --spec file.
func readSpec(path string) (*dataset.Dataset, error) {
	if path == "" {
		return nil, usagef("--spec is required: the dataset spec (YAML) that names the columns")
	}
	return dataset.Open(path)
}

// readTable reads the file a required flag names with read (a Dataset's
// History, Plan or Stock).
func readTable(read func(string) (*data.Frame, error), path, flag string) (*data.Frame, error) {
	if path == "" {
		return nil, usagef("--%s is required", flag)
	}
	return read(path)
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// modelInputs is what the commands that apply a model read: the model,
// the dataset spec (unless --spec names one the model's own, its relative
// paths from the history's folder, else the working folder:
// dataset.ForModel), the history and,
// when asked for, the plan.
type modelInputs struct {
	file *modelfile.Forecast
	ds   *dataset.Dataset
	hist *data.Frame
	plan *data.Frame
}

// loadModelInputs reads a model, its history and (when planPath is not
// "-") a plan. specPath may be empty.
func loadModelInputs(modelPath, specPath, dataPath, planPath string) (*modelInputs, error) {
	if modelPath == "" {
		return nil, usagef("--model is required")
	}
	mf, err := modelfile.Read(modelPath)
	if err != nil {
		return nil, err
	}
	in := &modelInputs{file: mf, ds: dataset.ForModel(&mf.Model.Spec, dataPath)}
	if specPath != "" {
		if in.ds, err = readSpec(specPath); err != nil {
			return nil, err
		}
	}
	if in.hist, err = readTable(in.ds.History, dataPath, "data"); err != nil {
		return nil, err
	}
	if planPath != "-" {
		if in.plan, err = readTable(in.ds.Plan, planPath, "plan"); err != nil {
			return nil, err
		}
	}
	return in, nil
}
