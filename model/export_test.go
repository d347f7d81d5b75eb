package model

// DecodeExact decodes as Decode does, always on the exact path, for tests
// that compare the fast path with it.
func DecodeExact(name string, data []byte) (*Document, error) { return decode(name, data, false) }

// DecodedFast reports whether Decode read d on its fast path.
func DecodedFast(d *Document) bool { return d.fast != nil }

// FastInt and CleanInt are the fast path's integer reading and the exact
// path's.
var FastInt, CleanInt = fastInt, cleanInt
