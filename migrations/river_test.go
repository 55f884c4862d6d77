package migrations

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

var update = flag.Bool("update", false, "rewrite the river migrations from the river module in go.mod")

// riverFiles are the goose files that hold river's migrations: a new file starts after a
// version that adds an enum value, which PostgreSQL lets later SQL use only once committed.
var riverFiles = []string{"00015_river_queue.sql", "00016_river_queue.sql"}

// TestRiverSchemaIsVendored keeps the goose copy of river's schema equal to the SQL of the
// river version in go.mod: upgrading river fails here until `go test ./migrations -update`
// writes the new versions (a new river migration then needs a new goose file, not an edit).
func TestRiverSchemaIsVendored(t *testing.T) {
	migrator, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	groups := riverGroups(migrator.AllVersions())
	if len(groups) != len(riverFiles) {
		t.Fatalf("river's migrations need %d goose files, riverFiles names %d", len(groups), len(riverFiles))
	}
	for i, name := range riverFiles {
		want := riverGoose(groups[i], i == len(groups)-1, migrator.AllVersions())
		if *update {
			if err := os.WriteFile(name, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s differs from river's own migrations: run go test ./migrations -update", name)
		}
	}
}

func riverGroups(versions []rivermigrate.Migration) [][]rivermigrate.Migration {
	var out [][]rivermigrate.Migration
	var group []rivermigrate.Migration
	for _, v := range versions {
		group = append(group, v)
		if strings.Contains(v.SQLUp, "ADD VALUE") {
			out, group = append(out, group), nil
		}
	}
	if group != nil {
		out = append(out, group)
	}
	return out
}

// riverGoose is a group of river's versions as one goose migration, each version one
// statement block; the last group then writes the rows river's migrator would have, so
// that rivermigrate sees the schema as current.
func riverGoose(group []rivermigrate.Migration, last bool, all []rivermigrate.Migration) string {
	var b strings.Builder
	b.WriteString("-- River's own schema (migration line \"main\"), copied from the river module so that goose\n" +
		"-- alone owns the database schema. Written by TestRiverSchemaIsVendored -update: do not edit.\n" +
		"-- +goose Up\n")
	for _, v := range group {
		block(&b, fmt.Sprintf("river %03d %s", v.Version, v.Name), v.SQLUp)
	}
	if last {
		var rows []string
		for _, v := range all {
			rows = append(rows, fmt.Sprintf("('main', %d)", v.Version))
		}
		block(
			&b,
			"river's record of its versions",
			"INSERT INTO river_migration (line, version) VALUES "+strings.Join(rows, ", ")+";",
		)
	}
	b.WriteString("\n-- +goose Down\n")
	for i := len(group) - 1; i >= 0; i-- {
		block(&b, fmt.Sprintf("river %03d %s", group[i].Version, group[i].Name), group[i].SQLDown)
	}
	return b.String()
}

func block(b *strings.Builder, title, sql string) {
	sql = strings.TrimSpace(strings.ReplaceAll(sql, "/* TEMPLATE: schema */", ""))
	fmt.Fprintf(b, "\n-- %s\n-- +goose StatementBegin\n%s\n-- +goose StatementEnd\n", title, sql)
}
