package seed

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// index is a secondary index, or a unique constraint, that a bulk load drops and builds
// again from its own definition, read from the catalogue: whatever the migrations made
// is what comes back. Primary keys stay: foreign keys lean on them.
type index struct {
	table, name string
	create      string // CREATE INDEX …, or the constraint's definition
	constraint  bool
}

func dropIndexes(ctx context.Context, tx pgx.Tx, tables []string) ([]index, error) {
	rows, err := tx.Query(ctx, `SELECT t.relname, i.relname, con.conname IS NOT NULL,
			coalesce(pg_get_constraintdef(con.oid), pg_get_indexdef(i.oid))
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		LEFT JOIN pg_constraint con ON con.conindid = i.oid AND con.conrelid = t.oid
		WHERE t.relname = ANY($1) AND t.relnamespace = current_schema()::regnamespace AND NOT x.indisprimary
		ORDER BY t.relname, i.relname`, tables)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var ix index
		err := r.Scan(&ix.table, &ix.name, &ix.constraint, &ix.create)
		return ix, err
	})
	if err != nil {
		return nil, err
	}
	for _, ix := range list {
		if _, err := tx.Exec(ctx, ix.drop()); err != nil {
			return nil, fmt.Errorf("%s: %w", ix.name, err)
		}
	}
	return list, nil
}

func (ix index) drop() string {
	if ix.constraint {
		return fmt.Sprintf(
			"ALTER TABLE %s DROP CONSTRAINT %s",
			pgx.Identifier{ix.table}.Sanitize(),
			pgx.Identifier{ix.name}.Sanitize(),
		)
	}
	return "DROP INDEX " + pgx.Identifier{ix.name}.Sanitize()
}

func (ix index) build(ctx context.Context, tx pgx.Tx) error {
	sql := ix.create
	if ix.constraint {
		sql = fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", pgx.Identifier{ix.table}.Sanitize(),
			pgx.Identifier{ix.name}.Sanitize(), ix.create)
	}
	_, err := tx.Exec(ctx, sql)
	return err
}
