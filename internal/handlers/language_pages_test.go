package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"kycportal/internal/store"
)

// TestEveryPageSpeaksTheChosenLanguage: an agent, a checker and an administrator who chose
// Arabic or Malay walk their pages (search, the draft's steps with their refusals, documents,
// review, the submitted case, the case list, the worklist, the inbox, the approval queue and
// case, the dashboard, the audit trail, the accounts and branches, an error page). No
// message id is left untranslated, and no English is left in the text people read: in
// Arabic no Latin word but codes and names, in Malay none of the words English cannot do
// without.
func TestEveryPageSpeaksTheChosenLanguage(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"ar", "ms"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			agent := e.agent("amal", "DXB-01", "AE")
			checker := e.checkerOf("sara", "DXB-01")
			adminName, _ := e.user(store.RoleAdmin)
			admin := e.client()
			admin.signIn(adminName)
			for _, c := range []*client{agent, checker, admin} {
				c.page("/")
				readBody(t, c.post("/account/language", url.Values{"lang": {lang}, "back": {"/"}}))
			}
			submitted := agent.completeDraft("784-1985-0000004-1")
			readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", submitted), nil))
			open := agent.createDraft("AE", "4", "784-1985-0000001-7")
			draft := fmt.Sprintf("/drafts/%d", open)
			readBody(
				t,
				agent.post(draft, url.Values{"version": {"1"}, "email_id": {"not an address"}, "date_of_birth": {"2999-01-01"}}),
			)

			walk := map[*client][]string{
				agent: {
					"/",
					"/search",
					"/drafts",
					"/drafts/new",
					draft + "?step=personal&check=1",
					draft + "?step=addresses&check=1",
					draft + "?step=identity&check=1",
					draft + "?step=classification&check=1",
					draft + "?step=documents",
					draft + "?step=review",
					draft + "/history",
					fmt.Sprintf("/drafts/%d", submitted),
					"/worklist",
					"/notifications",
					"/account/password",
					"/account/totp",
					"/drafts/999999",
				},
				checker: {"/", "/approvals", fmt.Sprintf("/approvals/%d", submitted), "/drafts", "/audit", "/worklist"},
				admin:   {"/", "/admin/users", "/admin/users/new", "/admin/branches", "/admin/branches/new", "/audit"},
			}
			for c, paths := range walk {
				for _, path := range paths {
					_, doc := c.page(path)
					if got, _ := doc.Find("html").Attr("lang"); got != lang {
						t.Errorf("%s: lang %q", path, got)
					}
					readsIn(t, lang, path, doc)
				}
			}
			// Refusals: a mistyped ID number (too short, and with a letter among its digits), a file that is no photo, a wrong password at
			// approval, a filter the case list refuses.
			agent.page("/drafts/new")
			refusals := map[string]*http.Response{
				"new draft": agent.post("/drafts", url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {"784-1990-12"}}),
				"mixed ID": agent.post(
					"/drafts",
					url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {"784-1990-12A"}},
				),
				"upload":      agent.upload(open, "id_front", "id-front.jpg", []byte("not a photo at all"), false),
				"case filter": agent.do(http.MethodGet, "/drafts?state=nonsense", nil),
			}
			checker.page(fmt.Sprintf("/approvals/%d", submitted))
			readBody(t, checker.post(fmt.Sprintf("/approvals/%d/claim", submitted), nil))
			checker.page(fmt.Sprintf("/approvals/%d", submitted))
			refusals["approval"] = checker.post(
				fmt.Sprintf("/approvals/%d/approve", submitted),
				url.Values{"password": {"not the password"}},
			)
			for name, resp := range refusals {
				doc, err := goquery.NewDocumentFromReader(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				readsIn(t, lang, name, doc)
			}
		})
	}
}

// readsIn fails the test on every English word of doc, page name, in language lang.
func readsIn(t *testing.T, lang, name string, doc *goquery.Document) {
	t.Helper()
	for _, text := range readable(doc) {
		if bad := foreign(lang, text); bad != "" {
			t.Errorf("%s shows %q (%q)", name, text, bad)
		}
	}
}

// Words English cannot do without, and Malay never uses.
var englishWords = []string{"the", "and", "of", "to", "is", "your", "this", "with", "for", "no", "or", "not", "in"}

var (
	latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z'’]*`)
	// isolatedOrPath are names and typed values isolated inside a sentence (U+2068…U+2069),
	// and paths, zones and media types (Asia/Dubai, multipart/form-data).
	isolatedOrPath = regexp.MustCompile(`\x{2068}[^\x{2069}]*\x{2069}|\S+/\S+`)
	// properNames are the Malay names of places that hold an English word (CLDR).
	properNames = []string{"Isle of Man"}
	// codes people read as they are: all capitals (CDP, ECRN, AE, PDF, UTC, MOHRE…), and
	// the names of documents and systems.
	keptWords = []string{"MyKad", "PhilID", "PhilSys", "Aadhaar", "YYYY", "MM", "DD", "name", "example", "com", "e"}
)

// foreign is the first English word of text in lang's page, or "".
func foreign(lang, text string) string {
	if strings.Contains(text, "⟦") {
		return "⟦"
	}
	text = isolatedOrPath.ReplaceAllString(text, "")
	if slices.Contains(properNames, text) {
		return ""
	}
	for _, w := range latinWord.FindAllString(text, -1) {
		switch {
		case lang == "ms" && slices.Contains(englishWords, strings.ToLower(w)):
			return w
		case lang == "ar" && strings.ToUpper(w) != w && !slices.Contains(keptWords, w):
			return w
		}
	}
	return ""
}

// readable is the text people read on a page: its text nodes and the attributes read
// aloud or shown (aria-label, title, placeholder, alt), leaving out what is the data
// itself or deliberately in another language: left-to-right codes and numbers, names in
// <bdi>, code, quotes of typed values, and anything marked with a lang of its own (the
// language switcher's names).
func readable(doc *goquery.Document) []string {
	var out []string
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "bdi", "code", "q", "textarea", "title":
				return
			}
			for _, a := range n.Attr {
				switch {
				case a.Key == "dir" && a.Val == "ltr",
					a.Key == "lang" && n.Data != "html",
					a.Key == "data-testid" && a.Val == "current-user":
					return
				case slices.Contains([]string{"aria-label", "title", "placeholder", "alt"}, a.Key):
					out = append(out, a.Val)
				}
			}
		}
		if n.Type == html.TextNode && strings.TrimSpace(n.Data) != "" {
			out = append(out, strings.TrimSpace(n.Data))
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			visit(ch)
		}
	}
	for _, n := range doc.Find("body").Nodes {
		visit(n)
	}
	return out
}

// A page with an English word fails the scan: the test can fail.
func TestForeignFindsEnglish(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ lang, text, want string }{
		{"ar", "حفظ ومتابعة", ""}, {"ar", "رقم ECRN لدى CDP", ""}, {"ar", "Save and continue", "Save"},
		{"ms", "Simpan dan teruskan", ""}, {"ms", "Simpan and continue", "and"}, {"ms", "⟦draft.x⟧", "⟦"},
		{"ar", "مرحبًا، \u2068Fatima\u2069", ""}, {"ar", "المنطقة (Asia/Dubai)", ""}, {"ar", "Fatima", "Fatima"},
	} {
		if got := foreign(tt.lang, tt.text); got != tt.want {
			t.Errorf("foreign(%s, %q) = %q, want %q", tt.lang, tt.text, got, tt.want)
		}
	}
}
