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

	"github.com/lbconf/lbconf/internal/atomicfile"
)

// backupStamp names backups so that they sort by time.
const backupStamp = "20060102T150405.000Z"

// writeBackup writes the custom config and the strategies of an instance
// to new files in dir (created 0700 if needed), each 0600 and written
// atomically, and returns their paths. No existing file is replaced.
func writeBackup(dir, instanceUuid string, now time.Time, config string, strategies json.RawMessage) (Backup, error) {
	if dir == "" {
		if _, err := DefaultBackupRoot(); err != nil {
			return Backup{}, err
		}
		return Backup{}, errors.New("no backup directory")
	}
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
// exists, with mode 0600. The file is created exclusively (atomicfile.
// WriteNew links it into place, which fails if the name exists), so that
// concurrent pushes in the same millisecond never overwrite each other's
// backups: the loser of a race tries the next name.
func writeNew(dir, base, suffix string, data []byte) (string, error) {
	for n := 1; n <= maxBackupTries; n++ {
		name := base + suffix
		if n > 1 {
			name = fmt.Sprintf("%s-%d%s", base, n, suffix)
		}
		path := filepath.Join(dir, name)
		err := atomicfile.WriteNew(path, data, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("writing the backup: %w", err)
		}
		return path, nil
	}
	return "", fmt.Errorf("writing the backup: too many backups named %s*%s in %s", base, suffix, dir)
}

// maxBackupTries bounds the names tried for one backup file.
const maxBackupTries = 1000

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
