package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// lintableExts are the file names `lbconf lint DIR` picks up: listener
// documents and haproxy configs.
var lintableExts = []string{".json", ".yaml", ".yml", ".cfg", ".conf"}

// expandPaths turns lint's arguments into files: a directory is walked for
// listener documents and configs (hidden directories such as .git are
// skipped, and so is whatever ignored says), a pattern the shell did not
// expand (quoted, or matching nothing) is globbed, and everything else is
// kept as it is, to be read or reported missing. A pattern or directory
// that yields no file is a usage error.
func expandPaths(args []string, ignored func(path string) bool) ([]string, error) {
	var out []string
	for _, arg := range args {
		if arg == "-" {
			out = append(out, arg)
			continue
		}
		fi, err := os.Stat(arg)
		switch {
		case err == nil && fi.IsDir():
			files, err := walkDir(arg, ignored)
			if err != nil {
				return nil, err
			}
			if len(files) == 0 {
				return nil, usageErr("directory %s holds no listener document or config (%s files)", arg, strings.Join(lintableExts, ", "))
			}
			out = append(out, files...)
		case err != nil && isPattern(arg):
			matches, gerr := filepath.Glob(arg)
			if gerr != nil {
				return nil, usageErr("%s: bad pattern: %v", arg, gerr)
			}
			var kept []string
			for _, m := range matches {
				if !ignored(m) {
					kept = append(kept, m)
				}
			}
			if len(kept) == 0 {
				return nil, usageErr("%s matches no file", arg)
			}
			out = append(out, kept...)
		default:
			out = append(out, arg)
		}
	}
	return out, nil
}

// isPattern reports whether s has glob metacharacters.
func isPattern(s string) bool { return strings.ContainsAny(s, "*?[") }

// walkDir lists the lintable files under dir, sorted.
func walkDir(dir string, ignored func(string) bool) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return &exitErr{code: exitError, err: fmt.Errorf("walking %s: %w", dir, err)}
			}
			return err
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if ignored(path) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		if contains(lintableExts, strings.ToLower(filepath.Ext(path))) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		var ee *exitErr
		if errors.As(err, &ee) {
			return nil, err
		}
		return nil, &exitErr{code: exitError, err: fmt.Errorf("walking %s: %w", dir, err)}
	}
	sort.Strings(files)
	return files, nil
}
