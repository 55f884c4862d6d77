package pages

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"kycportal/internal/views"
)

// pageURL names the address of a page that answers a form's POST, which portal.js puts in
// the address bar: a reload then reads the page instead of posting the form again.
func pageURL(c views.Chrome, url string) templ.Attributes {
	if !c.Posted {
		return templ.Attributes{}
	}
	return templ.Attributes{"data-page-url": url}
}

func oobAttr(oob bool) templ.Attributes {
	if oob {
		return templ.Attributes{"hx-swap-oob": "true"}
	}
	return templ.Attributes{}
}

// autosave makes a field post itself, alone with the draft's version, when it changes.
func autosave(draftID int64, f Field) templ.Attributes {
	trigger := "change"
	switch f.Type {
	case "text", "name", "name_arabic", "email", "phone", "integer", "textarea":
		trigger = "input changed delay:800ms, change"
	}
	return templ.Attributes{
		"hx-post":    "/drafts/" + strconv.FormatInt(draftID, 10),
		"hx-trigger": trigger,
		"hx-params":  f.Name + ",version,step",
		"hx-swap":    "none",
	}
}

func inputType(t string) string {
	switch t {
	case "date", "email":
		return t
	case "phone":
		return "tel"
	}
	return "text"
}

// ruleAttrs are the pack's rules of f as attributes of its input.
func ruleAttrs(f Field) templ.Attributes {
	a := templ.Attributes{}
	r := f.Rules
	for name, v := range map[string]string{"pattern": r.Pattern, "min": r.Min, "max": r.Max, "inputmode": r.InputMode,
		"data-required-when": r.RequiredWhenField, "data-required-in": r.RequiredWhenIn} {
		if v != "" {
			a[name] = v
		}
	}
	if r.Hint != "" {
		a["title"] = r.Hint
	}
	return a
}

// inputHints are a field type's keyboard and direction: names and addresses take the
// direction of what is typed in them (dir="auto"), the Arabic name is right-to-left, numbers
// and codes stay left-to-right in an Arabic page.
func inputHints(t string) templ.Attributes {
	switch t {
	case "integer":
		return templ.Attributes{"inputmode": "numeric", "dir": "ltr"}
	case "phone":
		return templ.Attributes{"autocomplete": "off", "inputmode": "tel", "dir": "ltr"}
	case "name", "text":
		return templ.Attributes{"dir": "auto"}
	case "name_arabic":
		return templ.Attributes{"dir": "rtl", "lang": "ar"}
	case "id_number", "email":
		return templ.Attributes{"dir": "ltr"}
	}
	return templ.Attributes{}
}

// sizeAttr gives a file the browser sends as it is (not a photo it scales first) the most
// bytes the portal takes, so that the page refuses a larger file before sending it.
func sizeAttr(doc Doc) templ.Attributes {
	if doc.ScaleTo != 0 {
		return templ.Attributes{}
	}
	return templ.Attributes{"data-max-bytes": strconv.Itoa(doc.MaxBytes)}
}

func captureAttr(capture string) templ.Attributes {
	if capture == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"capture": capture}
}

// scaleAttr asks portal.js to scale a chosen photo to at most px on its longest side
// before it is sent.
func scaleAttr(px int) templ.Attributes {
	if px == 0 {
		return templ.Attributes{}
	}
	return templ.Attributes{"data-scale-to": strconv.Itoa(px)}
}

// invalidAttrs mark an input whose value was refused and tie it to the message with id.
func invalidAttrs(id, msg string) templ.Attributes {
	if msg == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": id}
}

// keepVals are the values "Keep mine" posts: the field with the agent's value (the page's
// version goes with it, the one the conflict's answer brought).
func keepVals(name, yours string) string {
	b, _ := json.Marshal(map[string]string{name: yours}) // a map of strings always encodes
	return string(b)
}

// dateInWords is a form's date (YYYY-MM-DD) with its month in words of the page's language,
// or "" for no date.
func dateInWords(ctx context.Context, v string) string {
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return ""
	}
	return views.LangOf(ctx).Date(d)
}

// nextDocHref is where a document's Continue goes: the next document's card, or the review
// after the last.
func nextDocHref(d DraftView, i int) string {
	if i+1 < len(d.Docs) {
		return "#doc-" + d.Docs[i+1].Kind
	}
	return stepURL(d.ID, "review")
}
