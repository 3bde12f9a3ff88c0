// Command load measures promocast serve on loopback: it starts the server
// (the demo model unless --model is given), runs each scenario for a
// bounded time with a fixed number of closed-loop clients, and prints
// latency percentiles, throughput and the server's resident memory over
// time (sampled every second, printed every 5 s of load).
//
// Scenarios:
//
//	single   POST /v1/forecast with one plan row
//	plan1000 POST /v1/forecast with a 1,000-row plan
//	whatif20 POST /v1/whatif: the first 31 plan rows (one demo SKU's 31 days),
//	         price swept over 20 discounts
//
// Usage (bench/load/run.sh builds the binary and calls this):
//
//	go run ./bench/load --bin /tmp/promocast --duration 20s
//	bench/load/run.sh --model bf.json --data sales.csv.gz --spec spec.yaml
//	bench/load/run.sh --client go   # Go's net/http client instead of the lean one
//
// Beside latency and throughput it prints the CPU time the server and the
// generator spent per request (from /proc), since both share the machine.
//
// With --model the plans come from the server's /v1/spec: every series in
// every plannable period with its levers off, every other row 20% off.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"promocast/data"
	"promocast/synth"
)

type config struct {
	bin        string
	duration   time.Duration
	clients    int
	bigClients int
	skus       int
	only       string
	client     string
	// model, data and spec, when model is set, serve that model instead of
	// the demo; the plans are then built from the server's /v1/spec.
	model, data, spec string
}

func main() {
	var c config
	flag.StringVar(&c.bin, "bin", "promocast", "promocast binary to start")
	flag.DurationVar(&c.duration, "duration", 20*time.Second, "how long each scenario runs")
	flag.IntVar(&c.clients, "clients", 4, "concurrent clients of the single-row scenario")
	flag.IntVar(&c.bigClients, "big-clients", 2, "concurrent clients of the 1,000-row and what-if scenarios")
	flag.IntVar(&c.skus, "skus", 50, "SKUs of the demo shop (must match the server's --demo-skus)")
	flag.StringVar(&c.only, "only", "", "comma-separated scenarios to run (default all)")
	flag.StringVar(&c.client, "client", "raw", "HTTP client of the load: raw (a lean HTTP/1.1 client on kept-alive connections) or go (net/http's)")
	flag.StringVar(&c.model, "model", "", "serve this model file instead of the demo (with --data and --spec)")
	flag.StringVar(&c.data, "data", "", "history of --model")
	flag.StringVar(&c.spec, "spec", "", "dataset spec of --model")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// scenario is one kind of request, sent by clients in a closed loop.
type scenario struct {
	name    string
	path    string
	bodies  [][]byte // rotated through
	rows    int      // plan rows (× values for a what-if) per request
	clients int
}

type result struct {
	scenario
	latencies []time.Duration
	failures  int
	elapsed   time.Duration
	firstErr  string
	// serverCPU and loadCPU are the CPU time (user and system) the server
	// and this generator spent during the scenario.
	serverCPU, loadCPU time.Duration
}

func run(c config) error {
	dir, err := os.MkdirTemp("", "promocast-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	base := "http://" + addr
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	args := []string{"serve", "--addr", addr, "--store", filepath.Join(dir, "registry.db"), "--poll", "0", "--log-level", "warn"}
	if c.model != "" {
		args = append(args, "--model", c.model, "--data", c.data, "--spec", c.spec)
	} else {
		args = append(args, "--demo-skus", strconv.Itoa(c.skus))
	}
	cmd := exec.Command(c.bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Process.Kill()
	if err := waitReady(base, 3*time.Minute); err != nil {
		log, _ := os.ReadFile(logf.Name())
		return fmt.Errorf("%w\nserver log:\n%s", err, log)
	}
	what := fmt.Sprintf("demo model: gbdt, %d SKUs, horizon 31", c.skus)
	if c.model != "" {
		what = "model " + c.model
	}
	fmt.Printf("server ready in %.1fs (%s), pid %d, %s\n", time.Since(started).Seconds(), what, cmd.Process.Pid, addr)
	rssStart := rss(cmd.Process.Pid)

	rows, price := []map[string]any(nil), "price"
	if c.model != "" {
		rows, price, err = specRows(base)
	} else {
		rows, err = demoRows(c.skus)
	}
	if err != nil {
		return err
	}
	scenarios := buildScenarios(c, rows, price)
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxIdleConns: 64}}
	var results []result
	mem := sampleRSS(cmd.Process.Pid, time.Second)
	for _, sc := range scenarios {
		if c.only != "" && !strings.Contains(","+c.only+",", ","+sc.name+",") {
			continue
		}
		fmt.Printf("running %s for %s with %d clients...\n", sc.name, c.duration, sc.clients)
		server0, self0 := cpuTime(cmd.Process.Pid), cpuTime(os.Getpid())
		r := drive(c.client, client, addr, sc, c.duration)
		r.serverCPU, r.loadCPU = cpuTime(cmd.Process.Pid)-server0, cpuTime(os.Getpid())-self0
		if r.failures > 0 {
			fmt.Printf("  %d failures, first: %s\n", r.failures, r.firstErr)
		}
		results = append(results, r)
		mem.mark(sc.name)
	}
	samples := mem.stop()
	rssEnd := rss(cmd.Process.Pid)

	stopStart := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	werr := cmd.Wait()
	report(os.Stdout, results)
	fmt.Printf("\nserver RSS: %.0f MiB after start, %.0f MiB at the end (peak sampled %.0f MiB)\n", mib(rssStart), mib(rssEnd), mib(peakRSS(rssStart, samples)))
	printRSS(os.Stdout, samples, 5)
	fmt.Printf("SIGTERM: server exited in %.0f ms (%v)\n", float64(time.Since(stopStart).Microseconds())/1000, exitText(werr))
	return nil
}

func exitText(err error) string {
	if err == nil {
		return "exit 0"
	}
	return err.Error()
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitReady(base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("server not ready after %s", limit)
}

// buildScenarios makes request bodies from the same synthetic shop the
// server's demo model was trained on.
func demoRows(skus int) ([]map[string]any, error) {
	shop, err := synth.Generate(synth.Config{Seed: 1, SKUs: skus, PlanDays: 31})
	if err != nil {
		return nil, err
	}
	return planRows(shop.Plan), nil
}

// specRows builds plan rows for any model from the server's /v1/spec:
// every series (most sold first) in every plannable period, levers off,
// with the price 20% below its off value in every other row.
func specRows(base string) (rows []map[string]any, price string, err error) {
	resp, err := http.Get(base + "/v1/spec")
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	var sp struct {
		Time    string   `json:"time"`
		Price   string   `json:"price"`
		Periods []string `json:"periods"`
		Levers  []struct {
			Name, Kind, Off string
		} `json:"levers"`
		Series []struct {
			Keys     map[string]string  `json:"keys"`
			Defaults map[string]float64 `json:"defaults"`
		} `json:"series"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&sp); err != nil {
		return nil, "", fmt.Errorf("/v1/spec: %w", err)
	}
	if sp.Price == "" {
		return nil, "", fmt.Errorf("the model's spec names no price to sweep")
	}
	for _, period := range sp.Periods {
		for i, s := range sp.Series {
			row := map[string]any{sp.Time: period}
			for k, v := range s.Keys {
				row[k] = v
			}
			for k, v := range s.Defaults {
				row[k] = v
			}
			if i%2 == 0 {
				if p, ok := s.Defaults[sp.Price]; ok {
					row[sp.Price] = p * 0.8
				}
			}
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		return nil, "", fmt.Errorf("/v1/spec lists no series or periods")
	}
	return rows, sp.Price, nil
}

// buildScenarios makes the three scenarios from plan rows; the what-if
// sweeps the price lever.
func buildScenarios(c config, rows []map[string]any, price string) []scenario {
	single := scenario{name: "single", path: "/v1/forecast", rows: 1, clients: c.clients}
	for i := 0; i < len(rows) && i < 512; i++ {
		single.bodies = append(single.bodies, mustJSON(map[string]any{"rows": rows[i : i+1]}))
	}
	n := min(1000, len(rows))
	big := scenario{name: "plan1000", path: "/v1/forecast", rows: n, clients: c.bigClients,
		bodies: [][]byte{mustJSON(map[string]any{"rows": rows[:n]})}}
	values := make([]float64, 20)
	for i := range values {
		values[i] = float64(i) * 0.025
	}
	// The what-if sweeps the price of the first 31 rows' series.
	one := rows[:min(31, len(rows))]
	whatif := scenario{name: "whatif20", path: "/v1/whatif", rows: len(one) * len(values), clients: c.bigClients,
		bodies: [][]byte{mustJSON(map[string]any{"rows": one, "lever": price, "values": values})}}
	return []scenario{single, big, whatif}
}

func planRows(f *data.Frame) []map[string]any {
	out := make([]map[string]any, f.Rows())
	for r := range out {
		row := map[string]any{}
		for _, c := range f.Columns {
			if c.Kind == data.String {
				row[c.Name] = c.Str[r]
			} else {
				row[c.Name] = c.Num[r]
			}
		}
		out[r] = row
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// drive runs a scenario's clients until the duration ends, each a poster
// of kind (see newPoster).
func drive(kind string, client *http.Client, addr string, sc scenario, d time.Duration) result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	res := result{scenario: sc}
	var wg sync.WaitGroup
	start := time.Now()
	for w := range sc.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			fails, first := 0, ""
			p, err := newPoster(kind, client, addr, sc)
			if err != nil {
				fails, first = 1, err.Error()
			}
			for i := w; err == nil && ctx.Err() == nil; i += sc.clients {
				t0 := time.Now()
				status, err := p.post(i)
				el := time.Since(t0)
				if err != nil || status != 200 {
					fails++
					first = fmt.Sprintf("status %d %v", status, err)
					continue
				}
				lat = append(lat, el)
			}
			if p != nil {
				p.close()
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.failures += fails
			if first != "" && res.firstErr == "" {
				res.firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)-1))
	return sorted[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func report(w io.Writer, results []result) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tclients\trows/req\trequests\tfailed\treq/s\trows/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\tserver CPU µs/req\tload CPU µs/req\t")
	for _, r := range results {
		sort.Slice(r.latencies, func(a, b int) bool { return r.latencies[a] < r.latencies[b] })
		n := len(r.latencies)
		rate := float64(n) / r.elapsed.Seconds()
		perReq := func(d time.Duration) string {
			return fmt.Sprintf("%.0f", float64(d.Microseconds())/float64(max(1, n+r.failures)))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, r.clients, r.rows, n, r.failures, rate, rate*float64(r.rows),
			ms(pct(r.latencies, 0.5)), ms(pct(r.latencies, 0.9)), ms(pct(r.latencies, 0.99)), ms(pct(r.latencies, 1)), perReq(r.serverCPU), perReq(r.loadCPU))
	}
	tw.Flush()
}

// rss returns a process's resident set size in bytes from /proc (0 where
// /proc is missing).
func rss(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			kb, _ := strconv.ParseFloat(f[0], 64)
			return kb * 1024
		}
	}
	return 0
}

// cpuTime returns the user and system CPU time a process has used, from
// /proc/PID/stat (0 where /proc is missing).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name's closing parenthesis; utime and
	// stime are the 12th and 13th of them, in clock ticks (100 a second on
	// Linux).
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
}

func mib(b float64) float64 { return b / (1 << 20) }

// rssSample is the server's resident memory at a time since load began,
// with the scenario that had just ended, if any.
type rssSample struct {
	at    time.Duration
	bytes float64
	ended string
}

// rssSampler records a process's resident memory every interval until
// stopped.
type rssSampler struct {
	mu      sync.Mutex
	samples []rssSample
	start   time.Time
	pid     int
	done    chan struct{}
	wg      sync.WaitGroup
}

func sampleRSS(pid int, every time.Duration) *rssSampler {
	s := &rssSampler{start: time.Now(), pid: pid, done: make(chan struct{})}
	s.add("")
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-t.C:
				s.add("")
			}
		}
	}()
	return s
}

func (s *rssSampler) add(ended string) {
	b := rss(s.pid)
	s.mu.Lock()
	s.samples = append(s.samples, rssSample{at: time.Since(s.start), bytes: b, ended: ended})
	s.mu.Unlock()
}

// mark records a sample at the end of a scenario.
func (s *rssSampler) mark(scenario string) { s.add(scenario) }

func (s *rssSampler) stop() []rssSample {
	close(s.done)
	s.wg.Wait()
	return s.samples
}

func peakRSS(start float64, samples []rssSample) float64 {
	peak := start
	for _, x := range samples {
		peak = max(peak, x.bytes)
	}
	return peak
}

// printRSS prints the memory every stepSec seconds of load and at the end
// of each scenario, with its ratio to the first sample.
func printRSS(w io.Writer, samples []rssSample, stepSec int) {
	if len(samples) == 0 || samples[0].bytes == 0 {
		return
	}
	fmt.Fprintln(w, "server RSS over the load (MiB; × the first sample):")
	first, next := samples[0].bytes, 0
	for _, x := range samples {
		sec := int(x.at.Seconds())
		if x.ended == "" && sec < next {
			continue
		}
		label := ""
		if x.ended != "" {
			label = "  end of " + x.ended
		} else {
			next = sec + stepSec
		}
		fmt.Fprintf(w, "  %4ds %6.0f  %.2f×%s\n", sec, mib(x.bytes), x.bytes/first, label)
	}
}
