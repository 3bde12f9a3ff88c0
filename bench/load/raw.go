package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// poster sends a scenario's i-th request body to its path and reports the
// answer's HTTP status once its whole body has been read.
type poster interface {
	post(i int) (status int, err error)
	close()
}

// newPoster returns one closed-loop client of scenario sc: kind "raw"
// (rawPoster) or "go" (Go's net/http client, sharing client's connections).
func newPoster(kind string, client *http.Client, addr string, sc scenario) (poster, error) {
	switch kind {
	case "raw":
		p := &rawPoster{addr: addr}
		for _, b := range sc.bodies {
			head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", sc.path, addr, len(b))
			p.reqs = append(p.reqs, append([]byte(head), b...))
		}
		return p, nil
	case "go":
		return &goPoster{client: client, url: "http://" + addr + sc.path, bodies: sc.bodies}, nil
	}
	return nil, fmt.Errorf("--client %q: want raw or go", kind)
}

// goPoster is Go's net/http client: what most Go callers of the server use,
// and the generator's choice with --client go.
type goPoster struct {
	client *http.Client
	url    string
	bodies [][]byte
}

func (g *goPoster) post(i int) (int, error) {
	resp, err := g.client.Post(g.url, "application/json", bytes.NewReader(g.bodies[i%len(g.bodies)]))
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

func (g *goPoster) close() {}

// rawPoster speaks HTTP/1.1 over one kept-alive connection, writing the
// request's bytes as built once per body and reading only the status line,
// the headers that frame the body, and the body. It is the default client
// (--client raw): the generator shares the machine's two cores with the
// server, and Go's client spends about as much CPU per request as the
// server does, so with it the load test measures the client as much as
// the server. A load generator such as wrk is lean for the same reason.
type rawPoster struct {
	addr string
	reqs [][]byte // the scenario's requests, head and body
	conn net.Conn
	r    *bufio.Reader
}

func (p *rawPoster) post(i int) (int, error) {
	if p.conn == nil {
		c, err := net.DialTimeout("tcp", p.addr, 10*time.Second)
		if err != nil {
			return 0, err
		}
		p.conn, p.r = c, bufio.NewReaderSize(c, 64<<10)
	}
	status, keep, err := p.exchange(p.reqs[i%len(p.reqs)])
	if err != nil || !keep {
		p.close()
	}
	return status, err
}

// exchange writes a request and reads its response; keep is false when
// the server closes the connection after it.
func (p *rawPoster) exchange(req []byte) (status int, keep bool, err error) {
	p.conn.SetDeadline(time.Now().Add(time.Minute))
	if _, err := p.conn.Write(req); err != nil {
		return 0, false, err
	}
	line, err := p.r.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, fmt.Errorf("malformed status line %q", line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, false, fmt.Errorf("malformed status line %q", line)
	}
	length, chunked, keep := -1, false, true
	for {
		line, err := p.r.ReadSlice('\n')
		if err != nil {
			return status, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return status, false, fmt.Errorf("malformed header %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return status, false, fmt.Errorf("malformed Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case chunked:
		err = p.skipChunks()
	case length >= 0:
		_, err = p.r.Discard(length)
	default: // the body runs to the connection's end
		_, err = io.Copy(io.Discard, p.r)
		keep = false
	}
	return status, keep && err == nil, err
}

// skipChunks reads a chunked body to its end.
func (p *rawPoster) skipChunks() error {
	for {
		line, err := p.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		n, err := strconv.ParseInt(string(size), 16, 64)
		if err != nil {
			return fmt.Errorf("malformed chunk size %q", line)
		}
		if n == 0 { // trailers end with an empty line
			for {
				line, err := p.r.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimRight(line, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if _, err := p.r.Discard(int(n) + 2); err != nil {
			return err
		}
	}
}

func (p *rawPoster) close() {
	if p.conn != nil {
		p.conn.Close()
		p.conn, p.r = nil, nil
	}
}
