package nn

import "promocast/tune"

// PanelSpace is the MLP settings tune searches on a forecasting panel.
func PanelSpace() tune.Space {
	return tune.Space{
		"learning_rate": tune.LogUniform(3e-4, 1e-2),
		"dropout":       tune.Uniform(0.01, 0.3),
		"width":         tune.Choice(32, 64, 128),
		"batch_size":    tune.Choice(256, 512, 1024),
	}
}

// TableSpace is the MLP settings tune searches on a table: the panel's,
// with smaller batches.
func TableSpace() tune.Space {
	s := PanelSpace()
	s["batch_size"] = tune.Choice(128, 256, 512)
	return s
}

// ApplyTune sets the settings a search drew (learning_rate, dropout,
// width: hidden layers of width and width/2, batch_size), keeping the
// others.
func (m *Params) ApplyTune(p tune.Params) {
	m.LearningRate = p.Float("learning_rate", m.LearningRate)
	m.Dropout = p.Float("dropout", m.Dropout)
	if w := p.Int("width", 0); w > 0 {
		m.Hidden = []int{w, w / 2}
	}
	m.BatchSize = p.Int("batch_size", m.BatchSize)
}
