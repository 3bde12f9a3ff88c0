package export

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// WriteFile writes a file atomically: write fills a temporary file in the
// same folder as path, which is flushed, synced to disk and then renamed
// over path. Readers of path see the old file or the whole new one, never
// a part. When write fails (or panics), or any step after it does, the
// temporary file is removed and an existing file at path is left as it was.
//
// The new file keeps the permissions of the file it replaces, or gets 0644.
// The writer passed to write is buffered; write need not buffer again.
func WriteFile(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	perm := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return fmt.Errorf("write %s: it is a folder", path)
		}
		perm = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(TempPrefix(path, os.Getpid()))+"*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	done = true
	// Make the rename itself durable. Not every system can sync a folder;
	// the file is in place either way, so a failure here is not reported.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// TempPrefix is how the temporary files WriteFile creates for path in
// process pid begin: ".NAME.tmp-PID-" in path's folder. A program that is
// interrupted removes its own with it (filepath.Glob(TempPrefix(path,
// os.Getpid())+"*")).
func TempPrefix(path string, pid int) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+strconv.Itoa(pid)+"-")
}

// WriteBytes writes b to path atomically, as WriteFile does.
func WriteBytes(path string, b []byte) error {
	return WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
