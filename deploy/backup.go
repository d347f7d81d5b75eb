package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// backupStamp names backups so that they sort by time.
const backupStamp = "20060102T150405.000Z"

// writeBackup writes the custom config and the strategies of an instance
// to new files in dir (created 0700 if needed), each 0600 and written
// atomically, and returns their paths. No existing file is replaced.
func writeBackup(dir, instanceUuid string, now time.Time, config string, strategies json.RawMessage) (Backup, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Backup{}, fmt.Errorf("creating the backup directory: %w", err)
	}
	base := safeName(instanceUuid) + "-" + now.UTC().Format(backupStamp)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, strategies, "", "  "); err != nil {
		pretty.Reset()
		pretty.Write(strategies) // keep what the API sent, whatever it is
	}
	pretty.WriteByte('\n')
	var b Backup
	var err error
	if b.Config, err = writeNew(dir, base, "-custom.cfg", []byte(config)); err != nil {
		return Backup{}, err
	}
	if b.Strategies, err = writeNew(dir, base, "-strategies.json", pretty.Bytes()); err != nil {
		return Backup{}, err
	}
	return b, nil
}

// writeNew writes data to dir/base+suffix, or dir/base-N+suffix when that
// exists, atomically and with mode 0600.
func writeNew(dir, base, suffix string, data []byte) (string, error) {
	for n := 1; n <= 100; n++ {
		name := base + suffix
		if n > 1 {
			name = fmt.Sprintf("%s-%d%s", base, n, suffix)
		}
		path := filepath.Join(dir, name)
		if _, err := os.Lstat(path); err == nil {
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("writing the backup %s: %w", path, err)
		}
		if err := WriteFileAtomic(path, data, 0o600); err != nil {
			return "", fmt.Errorf("writing the backup: %w", err)
		}
		return path, nil
	}
	return "", fmt.Errorf("writing the backup: too many backups named %s*%s in %s", base, suffix, dir)
}

// safeName keeps a UUID usable in a file name.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "instance"
	}
	return string(b)
}

// WriteFileAtomic replaces path with data so that readers see the old file
// or the new one, never a part: it writes a temporary file in the same
// directory, syncs it, gives it perm and renames it over path. A symbolic
// link at path is followed and its target replaced.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		path = real
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		_ = d.Sync() // make the rename durable; not every system supports it
		d.Close()
	}
	return nil
}
