// Package atomicfile replaces files so that readers see the old content or
// the new, never a part, and an interrupted write leaves no half-written
// file behind.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces path with data: it writes a temporary file in the same
// directory, syncs it and renames it over path. An existing file keeps its
// permissions; a new one gets perm. A symbolic link at path is followed and
// its target replaced. A character device or a named pipe at path
// (/dev/null, /dev/stdout, a FIFO) is written to directly, as a shell
// redirection would. Anything else that is not a regular file is refused.
func Write(path string, data []byte, perm fs.FileMode) error {
	return write(path, perm, false, bytesOf(data))
}

// WritePrivate is Write for data that holds a secret (a `stats auth`
// password): a new file gets mode 0600, and an existing one keeps its mode
// without the bits 0600 does not have (never wider than 0600).
func WritePrivate(path string, data []byte) error {
	return write(path, 0o600, true, bytesOf(data))
}

// WriteStream is Write (WritePrivate when private) for content that fill
// writes as it is produced, without a copy of all of it in memory. When
// fill fails, path is left as it was and fill's error is returned.
func WriteStream(path string, perm fs.FileMode, private bool, fill func(io.Writer) error) error {
	if private {
		perm = 0o600
	}
	return write(path, perm, private, fill)
}

// bytesOf is the fill function that writes data.
func bytesOf(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

func write(path string, perm fs.FileMode, private bool, content func(io.Writer) error) (err error) {
	if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		path = real
	}
	switch fi, err := os.Stat(path); {
	case err == nil && fi.Mode()&(fs.ModeCharDevice|fs.ModeNamedPipe) != 0:
		return writeDevice(path, content)
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file", path)
	case err == nil:
		perm = fi.Mode().Perm()
		if private {
			perm &= 0o600
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := createTemp(path)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = fill(tmp, path, content, perm); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, cause(err))
	}
	syncDir(dir)
	return nil
}

// WriteNew creates path with data and mode perm, and fails with an error
// wrapping fs.ErrExist if path exists, even when another process creates it
// at the same moment: the complete temporary file is hard-linked to path,
// which never replaces anything. Readers never see a part of the file.
func WriteNew(path string, data []byte, perm fs.FileMode) (err error) {
	tmp, err := createTemp(path)
	if err != nil {
		return err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	if err = fill(tmp, path, bytesOf(data), perm); err != nil {
		return err
	}
	if err = os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("writing %s: %w", path, fs.ErrExist)
		}
		return fmt.Errorf("writing %s: %w", path, cause(err))
	}
	syncDir(filepath.Dir(path))
	return nil
}

// createTemp creates the temporary file next to path. Its errors name the
// directory, not the temporary file.
func createTemp(path string) (*os.File, error) {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("writing %s: the directory %s does not exist", path, dir)
		}
		return nil, fmt.Errorf("writing %s: %w", path, cause(err))
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("writing %s: %s is not a directory", path, dir)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, cause(err))
	}
	return tmp, nil
}

// fill sets the mode of tmp (first, so that the data is never readable more
// widely), writes the content, syncs and closes it.
func fill(tmp *os.File, path string, content func(io.Writer) error, perm fs.FileMode) error {
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("writing %s: %w", path, cause(err))
	}
	w := &writeErr{w: tmp}
	if err := content(w); err != nil {
		if w.err != nil {
			return fmt.Errorf("writing %s: %w", path, cause(w.err))
		}
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, cause(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, cause(err))
	}
	return nil
}

// writeErr remembers the first error writing to w, so that an error of
// the file is told apart from one of the content's producer.
type writeErr struct {
	w   io.Writer
	err error
}

func (w *writeErr) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// writeDevice writes the content to a device or pipe that exists.
func writeDevice(path string, content func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, cause(err))
	}
	w := &writeErr{w: f}
	if err := content(w); err != nil {
		f.Close()
		if w.err != nil {
			return fmt.Errorf("writing %s: %w", path, cause(w.err))
		}
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, cause(err))
	}
	return nil
}

// cause drops the file names of a *PathError or *LinkError (they name the
// temporary file, which means nothing to the user) and keeps the errno.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// syncDir makes a rename or link durable; not every system supports it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
