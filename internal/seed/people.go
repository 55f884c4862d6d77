package seed

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/store"
)

// branch is a branch of the seeded bank: it onboards customers of one country.
type branch struct {
	Code, Country string
}

// branches are 40 branches in the four countries of the packs.
var branches = func() []branch {
	var out []branch
	for _, city := range []struct {
		prefix, country string
		n               int
	}{{"DXB", "AE", 6}, {"AUH", "AE", 4}, {"KUL", "MY", 6}, {"PEN", "MY", 4},
		{"BOM", "IN", 5}, {"DEL", "IN", 5}, {"MNL", "PH", 6}, {"CEB", "PH", 4}} {
		for i := 1; i <= city.n; i++ {
			out = append(out, branch{fmt.Sprintf("%s-%02d", city.prefix, i), city.country})
		}
	}
	return out
}()

// Staff of each branch; admins sit at HQ.
const (
	agentsPerBranch      = 10
	supervisorsPerBranch = 2
	admins               = 2
)

// accountName names a seeded account of a branch; the prefix keeps them apart from real ones.
func accountName(role string, b branch, n int) string {
	return fmt.Sprintf("seed-%s-%s-%02d", role, strings.ToLower(b.Code), n)
}

func adminName(n int) string { return fmt.Sprintf("seed-admin-%d", n) }

// account is a seeded account as events name it.
type account struct {
	ID   int64
	Name string
}

// staff are the seeded accounts.
type staff struct {
	agents      [][]account // by branch index
	supervisors [][]account
	admins      []account
}

// insertStaff creates every seeded account with one password hash.
func insertStaff(ctx context.Context, tx pgx.Tx, passwordHash string) (staff, error) {
	var rows [][]any
	add := func(username, display, role, branch string, countries []string) {
		rows = append(rows, []any{username, display, role, branch, countries, passwordHash})
	}
	for _, b := range branches {
		for n := 1; n <= agentsPerBranch; n++ {
			add(accountName(store.RoleAgent, b, n), fmt.Sprintf("Agent %d of %s", n, b.Code),
				store.RoleAgent, b.Code, []string{b.Country})
		}
		for n := 1; n <= supervisorsPerBranch; n++ {
			add(accountName(store.RoleSupervisor, b, n), fmt.Sprintf("Supervisor %d of %s", n, b.Code),
				store.RoleSupervisor, b.Code, []string{b.Country})
		}
	}
	for n := 1; n <= admins; n++ {
		add(adminName(n), fmt.Sprintf("Admin %d", n), store.RoleAdmin, branches[0].Code, []string{})
	}
	if err := registerBranches(ctx, tx); err != nil {
		return staff{}, err
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"users"},
		[]string{"username", "display_name", "role", "branch", "countries", "password_hash"}, pgx.CopyFromRows(rows))
	if err != nil {
		return staff{}, fmt.Errorf("seed: users: %w", err)
	}
	return staffIDs(ctx, tx)
}

// registerBranches puts the seeded branches in the registry (those it holds already stay as
// they are), without a CDP location: seeded submissions are never sent.
func registerBranches(ctx context.Context, tx pgx.Tx) error {
	var codes, countries []string
	for _, b := range branches {
		codes, countries = append(codes, b.Code), append(countries, b.Country)
	}
	_, err := tx.Exec(ctx, `INSERT INTO branches (code, name, country, time_zone)
		SELECT c, 'Seeded branch ' || c, cc, 'UTC' FROM unnest($1::text[], $2::text[]) AS b(c, cc)
		ON CONFLICT (code) DO NOTHING`, codes, countries)
	if err != nil {
		return fmt.Errorf("seed: branches: %w", err)
	}
	return nil
}

func staffIDs(ctx context.Context, tx pgx.Tx) (staff, error) {
	rows, err := tx.Query(ctx, `SELECT id, username FROM users WHERE username LIKE 'seed-%'`)
	if err != nil {
		return staff{}, fmt.Errorf("seed: users: %w", err)
	}
	ids := map[string]int64{}
	var id int64
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { ids[name] = id; return nil }); err != nil {
		return staff{}, fmt.Errorf("seed: users: %w", err)
	}
	s := staff{agents: make([][]account, len(branches)), supervisors: make([][]account, len(branches))}
	named := func(name string) account { return account{ids[name], name} }
	for i, b := range branches {
		for n := 1; n <= agentsPerBranch; n++ {
			s.agents[i] = append(s.agents[i], named(accountName(store.RoleAgent, b, n)))
		}
		for n := 1; n <= supervisorsPerBranch; n++ {
			s.supervisors[i] = append(s.supervisors[i], named(accountName(store.RoleSupervisor, b, n)))
		}
	}
	for n := 1; n <= admins; n++ {
		s.admins = append(s.admins, named(adminName(n)))
	}
	return s, nil
}

// Names by country, given and family; a few carry accents, which the name search folds.
var (
	givenNames = map[string][]string{
		"AE": {"Mohammed", "Ahmed", "Fatima", "Aisha", "Omar", "Khalid", "Mariam", "Noura", "Hamdan", "Saeed",
			"Layla", "Yousef", "Hessa", "Rashid", "Amna", "Sultan", "Maitha", "Faisal", "Shamma", "Zayed"},
		"MY": {"Ahmad", "Nurul", "Siti", "Muhammad", "Wei Ling", "Chong", "Kavitha", "Raj", "Aminah", "Hafiz",
			"Mei Ling", "Arjun", "Farah", "Azlan", "Hui Min", "Suresh", "Zarina", "Daniel", "Priya", "Iskandar"},
		"IN": {"Aarav", "Vivaan", "Ananya", "Diya", "Rohan", "Priya", "Arjun", "Kavya", "Rahul", "Sneha",
			"Vikram", "Pooja", "Aditya", "Meera", "Karan", "Neha", "Sanjay", "Lakshmi", "Amit", "Divya"},
		"PH": {"José", "María", "Juan", "Ana", "Mark", "Angelica", "John Paul", "Kristine", "Jerome", "Mary Grace",
			"Rafael", "Nicole", "Carlo", "Patricia", "Miguel", "Jasmine", "Ramón", "Lourdes", "Andrés", "Beatriz"},
	}
	familyNames = map[string][]string{
		"AE": {"Al Mansoori", "Al Hashimi", "Al Nuaimi", "Al Suwaidi", "Al Mazrouei", "Al Ketbi", "Al Dhaheri",
			"Al Falasi", "Al Shamsi", "Al Marri", "Hassan", "Khan", "Nair", "Fernandes", "Abdullah"},
		"MY": {"Abdullah", "Ismail", "Tan", "Lim", "Lee", "Wong", "Rahman", "Hassan", "Subramaniam", "Ng",
			"Chew", "Othman", "Yusof", "Krishnan", "Teo"},
		"IN": {"Sharma", "Verma", "Patel", "Reddy", "Nair", "Iyer", "Gupta", "Singh", "Kumar", "Das",
			"Menon", "Joshi", "Rao", "Chatterjee", "Pillai"},
		"PH": {"Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "García", "Mendoza", "Torres", "Tomás", "Aquino",
			"Dela Cruz", "Villanueva", "Ramos", "Castillo", "Peña"},
	}
	cities = map[string][]string{
		"AE": {"Dubai", "Abu Dhabi", "Sharjah", "Ajman", "Al Ain"},
		"MY": {"Kuala Lumpur", "George Town", "Johor Bahru", "Ipoh", "Shah Alam"},
		"IN": {"Mumbai", "Delhi", "Bengaluru", "Chennai", "Kochi"},
		"PH": {"Manila", "Quezon City", "Cebu City", "Davao City", "Makati"},
	}
)
