package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kycportal/internal/store"
)

func TestLanguageFollowsChoiceThenBrowser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	c.headers["Accept-Language"] = "ms-MY,ms;q=0.9"
	_, doc := c.page("/login")
	if lang, _ := doc.Find("html").Attr("lang"); lang != "ms" || doc.Find("#login-title").Text() != "Log masuk" {
		t.Errorf("login page for a Malay browser: lang %q, title %q", lang, doc.Find("#login-title").Text())
	}
	name, pw := e.user(store.RoleAgent)
	resp := c.post("/login", url.Values{"username": {name}, "password": {"not the password!"}})
	if body := readBody(t, resp); !strings.Contains(body, "kata laluan salah") {
		t.Error("the refusal is not in the browser's Malay")
	}
	c.login(name, pw)
	resp = c.post("/account/language", url.Values{"lang": {"ar"}, "back": {"/drafts/new"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/drafts/new" {
		t.Fatalf("choose Arabic: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc = c.page("/drafts/new")
	lang, _ := doc.Find("html").Attr("lang")
	dir, _ := doc.Find("html").Attr("dir")
	if lang != "ar" || dir != "rtl" || doc.Find("#new-title").Text() != "تسجيل عميل جديد" {
		t.Errorf(
			"after choosing Arabic (over a Malay browser): lang %q dir %q title %q",
			lang,
			dir,
			doc.Find("#new-title").Text(),
		)
	}
	for form, want := range map[string]int{"fr": http.StatusBadRequest, "": http.StatusBadRequest} {
		resp := c.post("/account/language", url.Values{"lang": {form}, "back": {"/"}})
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("language %q: status %d, want %d", form, resp.StatusCode, want)
		}
	}
	resp = c.post("/account/language", url.Values{"lang": {"en"}, "back": {"//evil.example/"}})
	resp.Body.Close()
	if resp.Header.Get("Location") != "/" {
		t.Errorf("back to another site: location %q, want /", resp.Header.Get("Location"))
	}
	e.expectAudited("user.language_set", "no user.language_set event")
}
