package cli

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/schollz/progressbar/v3"
)

// progress shows long work: a bar on a terminal, plain lines otherwise,
// or log records when the log is JSON (--log-format json), so that a
// machine reading the stream finds no line it cannot parse.
type progress struct {
	bar         *progressbar.ProgressBar
	w           io.Writer
	log         *slog.Logger // set for JSON logs off a terminal
	desc        string
	done, total int
}

// newProgress shows total steps of work named desc on e's error stream.
func newProgress(e *env, total int, desc string) *progress {
	w := e.stderr
	p := &progress{w: w, desc: desc, total: total}
	if e.logFormat == "json" && !isTerminal(w) {
		p.log = e.log
	}
	if isTerminal(w) {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	return p
}

// step reports one more unit done, with a note such as "ridge fold 3/12"
// (or none); off a terminal it writes a line such as "calibration 3/24:
// ridge fold 3/12", or a record with those fields in a JSON log.
func (p *progress) step(note string) {
	p.done++
	if p.bar != nil {
		p.bar.Describe(p.desc + " " + note)
		p.bar.Add(1)
		return
	}
	if p.log != nil {
		p.log.Info("progress", "step", p.desc, "done", p.done, "total", p.total, "note", note)
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
	e    *env
	desc string
	bar  *progress
}

func progressFunc(e *env, desc string) *counted { return &counted{e: e, desc: desc} }

// update is a train.Options.Progress.
func (c *counted) update(note string, _, total int) {
	if c.bar == nil {
		c.bar = newProgress(c.e, total, c.desc)
	}
	c.bar.step(note)
}

func (c *counted) done() {
	if c.bar != nil {
		c.bar.finish()
	}
}
