package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	for _, content := range []string{"one", "two"} {
		if err := Write(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(p)
		fi, _ := os.Stat(p)
		if string(got) != content || fi.Mode().Perm() != 0o600 {
			t.Errorf("%q %v", got, fi.Mode())
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	if err := Write(dir, []byte("x"), 0o600); err == nil {
		t.Error("replaced a directory")
	}
}

func TestWriteKeepsModeAndFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.cfg")
	if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(target, 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.cfg")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Lstat(link)
	got, _ := os.ReadFile(target)
	st, _ := os.Stat(target)
	if fi.Mode()&os.ModeSymlink == 0 || string(got) != "new" || st.Mode().Perm() != 0o640 {
		t.Errorf("link kept %v, content %q, mode %v", fi.Mode(), got, st.Mode())
	}
}

func TestWriteMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "no", "such")
	err := Write(filepath.Join(dir, "f"), []byte("x"), 0o600)
	want := "writing " + filepath.Join(dir, "f") + ": the directory " + dir + " does not exist"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestWriteDevice(t *testing.T) {
	if err := Write(os.DevNull, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s replaced: %v %v", os.DevNull, fi.Mode(), err)
	}
}

func TestWritePrivate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := WritePrivate(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ before, after os.FileMode }{{0, 0o600}, {0o644, 0o600}, {0o640, 0o600}, {0o400, 0o400}} {
		if c.before != 0 {
			if err := os.Chmod(p, c.before); err != nil {
				t.Fatal(err)
			}
		}
		if err := WritePrivate(p, []byte("secret")); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != c.after {
			t.Errorf("over %v: mode %v, want %v", c.before, fi.Mode().Perm(), c.after)
		}
	}
}

func TestWriteNewIsExclusive(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := WriteNew(p, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := WriteNew(p, []byte("second"), 0o600)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second WriteNew: %v, want fs.ErrExist", err)
	}
	got, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if string(got) != "first" || fi.Mode().Perm() != 0o600 {
		t.Errorf("%q %v", got, fi.Mode())
	}
	if entries, _ := os.ReadDir(filepath.Dir(p)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// TestWriteStream: content written as it is produced replaces the file;
// a producer's error leaves the old file and no temporary file.
func TestWriteStream(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.cfg")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteStream(path, 0o644, false, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the producer's", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old\n" {
		t.Fatalf("after a failed stream: %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
	if err := WriteStream(path, 0o644, true, func(w io.Writer) error {
		_, err := io.WriteString(w, "new\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new\n" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("got %q mode %v, want new content, mode 0600 (private)", got, fi.Mode().Perm())
	}
}
