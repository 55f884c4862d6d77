// Package packstest builds pack registries for tests: the embedded AE pack as it ships, or
// edited as a test needs it (another release, maker-checker off).
package packstest

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"kycportal/internal/packs"
)

// AE is a registry of the embedded AE pack and countries list, with edit applied to the
// files by name (data/ae-v1.json; a file edit adds is loaded too).
func AE(t testing.TB, edit func(files map[string]string)) *packs.Registry {
	t.Helper()
	files := map[string]string{}
	for _, name := range []string{"countries.json", "ae-v1.json"} {
		b, err := packs.File(name)
		if err != nil {
			t.Fatal(err)
		}
		files["data/"+name] = string(b)
	}
	if edit != nil {
		edit(files)
	}
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	r, err := packs.Load(fs.FS(fsys), "data")
	if err != nil {
		t.Fatal(err)
	}
	return r
}
