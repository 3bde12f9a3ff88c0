package cli

import (
	"fmt"
	"io"

	"github.com/schollz/progressbar/v3"
)

// progress shows long work: a bar on a terminal, plain lines otherwise.
type progress struct {
	bar         *progressbar.ProgressBar
	w           io.Writer
	desc        string
	done, total int
}

func newProgress(w io.Writer, total int, desc string) *progress {
	p := &progress{w: w, desc: desc, total: total}
	if isTerminal(w) {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	return p
}

// step reports one more unit done, with a note such as "ridge fold 3/12"
// (or none); off a terminal it writes a line such as "calibration 3/24:
// ridge fold 3/12".
func (p *progress) step(note string) {
	p.done++
	if p.bar != nil {
		p.bar.Describe(p.desc + " " + note)
		p.bar.Add(1)
		return
	}
	if note == "" {
		fmt.Fprintf(p.w, "%s %d/%d\n", p.desc, p.done, p.total)
		return
	}
	fmt.Fprintf(p.w, "%s %d/%d: %s\n", p.desc, p.done, p.total, note)
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// counted is a progress bar for work that counts its own steps: the first
// step's total sizes the bar.
type counted struct {
	w    io.Writer
	desc string
	bar  *progress
}

func progressFunc(e *env, desc string) *counted { return &counted{w: e.stderr, desc: desc} }

// update is a train.Options.Progress.
func (c *counted) update(note string, _, total int) {
	if c.bar == nil {
		c.bar = newProgress(c.w, total, c.desc)
	}
	c.bar.step(note)
}

func (c *counted) done() {
	if c.bar != nil {
		c.bar.finish()
	}
}
