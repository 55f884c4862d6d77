package audit

import "strings"

// Groups sort the catalogue for reviewers: each group is the actions whose names start
// with one of its prefixes.
var Groups = []struct {
	Name, Label string
	Prefixes    []string
}{
	{"sessions", "Sessions", []string{"login.", "logout", "session.", "access."}},
	{"searches", "Searches", []string{"search.", "customer.", "records."}},
	{"drafts", "Drafts", []string{"draft."}},
	{"documents", "Documents", []string{"document."}},
	{"submissions", "Submissions", []string{"submission.", "approval."}},
	{"cdp", "CDP", []string{"cdp."}},
	{"worklist", "Worklist and notifications", []string{"worklist.", "notifications."}},
	{"admin", "Administration", []string{"user.", "branch.", "audit.", "retention."}},
}

// GroupPrefixes returns the prefixes of the named group, or nil when there is no such group.
func GroupPrefixes(name string) []string {
	for _, g := range Groups {
		if g.Name == name {
			return g.Prefixes
		}
	}
	return nil
}

// GroupOf names the group of an action, or "" when no group claims it.
func GroupOf(a Action) string {
	for _, g := range Groups {
		for _, p := range g.Prefixes {
			if strings.HasPrefix(string(a), p) {
				return g.Name
			}
		}
	}
	return ""
}
