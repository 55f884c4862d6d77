package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestStaticBuild runs the Dockerfile's build command outside Docker and checks that the
// binary needs no dynamic loader: the image holds no Go toolchain's libraries.
func TestStaticBuild(t *testing.T) {
	t.Parallel()
	dockerfile, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*) -o /out/portal \./cmd/portal$`).FindSubmatch(dockerfile)
	if m == nil {
		t.Fatal("the Dockerfile's build step is not the expected static go build")
	}
	out := filepath.Join(t.TempDir(), "portal")
	cmd := exec.Command("sh", "-c", string(m[1])+" -o "+out+" ./cmd/portal")
	cmd.Dir = "../.."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the image binary is dynamically linked")
		}
	}
}
