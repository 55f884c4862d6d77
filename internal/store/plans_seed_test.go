package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/seed"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// seededCustomers is how many customers the plan tests read: enough that reading the whole
// table costs the planner far more than an index, as at a million.
const seededCustomers = 100_000

// plansDB is the database of the plan tests, seeded once for the package (seedCustomers)
// and only read: each test explains its queries on its own connection.
func plansDB(t *testing.T) string {
	t.Helper()
	return testdb.Seeded(t, "plans", seedCustomers)
}

// seedCustomers makes 10 agents in each of 40 branches and a draft per customer, made in
// SQL and loaded in bulk as the seed loads its own (indexes built after, then analyzed):
// 55% submitted (mostly onboarded, with an ECRN), 35% open, 10% discarded. Names come from
// md5 letters, so that they have many prefixes; phones and ID numbers are spread by a
// multiplier that is prime to their ranges, so that every fragment is rare. ID and visa
// expiries and income ranges spread the customers over the watch's kinds and risks.
func seedCustomers(ctx context.Context, db *store.DB) error {
	_, err := db.Pool.Exec(ctx, `INSERT INTO users (username, display_name, role, branch, countries, password_hash)
		SELECT format('agent-b%s-%s', b, a), 'Agent', 'agent', 'B' || b, '{AE}', 'x'
		FROM generate_series(0, 39) b, generate_series(0, 9) a`)
	if err != nil {
		return err
	}
	return seed.LoadDrafts(ctx, db, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country,
			branch, status, values, created_by, updated_by, created_at, updated_at, discarded_at, discard_reason)
			SELECT 'AE', 1, '4', '784' || lpad(((i * 7919) % 1000000000000)::text, 12, '0'), 'AE', 'B' || (i % 40),
				s.status,
				jsonb_build_object(
					'first_name', initcap(translate(substr(md5(i::text), 1, 7), '0123456789', 'ghijklmnop')),
					'last_name', initcap(translate(substr(md5(i::text), 8, 9), '0123456789', 'qrstuvwxyz')),
					'primary_mobile_number', '+9715' || lpad(((i * 104729) % 100000000)::text, 8, '0'),
					'date_of_expiry', (date '2026-06-01' + ((i * 37) % 3650)::int)::text,
					'annual_income_range_id', (1 + i % 4)::text,
					'political_exposed_person', CASE WHEN i % 50 = 0 THEN 'yes' ELSE 'no' END)
				|| CASE WHEN i % 3 = 0 THEN jsonb_build_object('visa_expiry_date', (date '2026-06-01' + ((i * 11) % 1100)::int)::text)
					ELSE '{}' END,
				u.id, u.id, now() - i * interval '1 minute', now() - i * interval '1 minute',
				CASE WHEN s.status = 'discarded' THEN now() END, CASE WHEN s.status = 'discarded' THEN 'gone' END
			FROM generate_series(1::bigint, $1) AS i
			CROSS JOIN LATERAL (SELECT CASE WHEN i / 400 % 20 < 2 THEN 'discarded' WHEN i / 400 % 20 < 9 THEN 'open'
				ELSE 'submitted' END AS status) s -- i / 400: each agent's turn comes round every 400
			JOIN users u ON u.username = format('agent-b%s-%s', i % 40, (i / 40) % 10)`, seededCustomers)
		if err != nil {
			return err
		}
		_, err = tx.Exec(
			ctx,
			`INSERT INTO submissions (draft_id, state, country, branch, maker_id, ecrn, submitted_at, updated_at)
			SELECT d.id, s.state, d.country, d.branch, d.created_by,
				CASE WHEN s.state <> 'awaiting_approval' THEN (1000000 + d.id)::text END, d.updated_at, d.updated_at
			FROM drafts d CROSS JOIN LATERAL (SELECT CASE WHEN d.id % 33 = 0 THEN 'under_investigation'
				WHEN d.id % 17 = 0 THEN 'awaiting_approval' ELSE 'onboarded' END AS state) s
			WHERE d.status = 'submitted'`,
		)
		return err
	})
}
