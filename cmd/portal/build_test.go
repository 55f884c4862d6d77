package main

import (
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// buildAsTheImage builds the portal into out with the Dockerfile's build command, run
// outside Docker: every test of this package runs the binary the image ships. make test
// builds everything with the same settings (scripts/test.sh), so this build only links.
func buildAsTheImage(out string) ([]byte, error) {
	dockerfile, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		return nil, err
	}
	m := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*) -o /out/portal \./cmd/portal$`).FindSubmatch(dockerfile)
	if m == nil {
		return nil, errors.New("the Dockerfile's build step is not the expected static go build")
	}
	cmd := exec.Command(
		"sh",
		"-c",
		string(m[1])+` -o "$1" ./cmd/portal`,
		"sh",
		out,
	) // #nosec G204 -- the repository's own Dockerfile
	cmd.Dir = "../.."
	return cmd.CombinedOutput()
}

// TestStaticBuild checks that the binary the Dockerfile's build command made (TestMain)
// needs no dynamic loader: the image holds no Go toolchain's libraries.
func TestStaticBuild(t *testing.T) {
	t.Parallel()
	f, err := elf.Open(binary)
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
