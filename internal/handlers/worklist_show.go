package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// worklistShow is one item of the branch's worklist: the customer's record, and on a
// periodic review its "no change" confirmation and the checker's decision.
func (s *Server) worklistShow(c echo.Context) error {
	id, err := workItemParam(c)
	if err != nil {
		return err
	}
	w, err := s.workItemView(c, id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.WorkItemShow(s.chromeT(c, "review.page_title", "worklist"), w))
}

// workItemView reads item id for the signed-in user and builds its page.
func (s *Server) workItemView(c echo.Context, id int64) (pages.WorkItemPage, error) {
	u := signedIn(c)
	r, err := s.worklist.Show(c.Request().Context(), u, id)
	if err != nil {
		return pages.WorkItemPage{}, worklistFailure(err)
	}
	it := r.Item
	today := s.Now().UTC().Truncate(24 * time.Hour)
	lang := langOf(c)
	w := pages.WorkItemPage{ID: it.ID, Customer: it.FirstName + " " + it.LastName, ECRN: it.ECRN, Country: it.Country,
		What: lang.T(
			"review.kind_" + it.Kind,
		), Due: it.DueOn.Format(time.DateOnly), Urgency: urgency(lang, int(it.DueOn.Sub(today).Hours()/24)),
		Record: customerFacts(r.Record), NextDue: r.NextDue.Format(time.DateOnly),
		ReviewMonths: s.worklist.Rules.ReviewMonths[it.Risk], Done: it.Done, Awaiting: it.Awaiting, StepUp: stepUpOf(c, u)}
	if it.Risk != "" {
		w.Risk = lang.T("review.risk_" + it.Risk)
	}
	w.CanConfirm = u.Role == store.RoleAgent && it.Kind == "review" && !it.Done && !it.Awaiting
	for _, rc := range r.Confirmations {
		w.CanDecide = w.CanDecide || (rc.State == "awaiting_approval" && u.Role == store.RoleSupervisor && rc.MakerID != u.ID)
		w.Confirmations = append(w.Confirmations, confirmationRow(rc))
	}
	return w, nil
}

// recordFacts are the parts of the customer's record a review confirms, by message id.
var recordFacts = []struct{ label, field string }{
	{"review.field_first_name", "first_name"}, {"review.field_last_name", "last_name"},
	{"review.field_mobile", "primary_mobile_number"}, {"review.field_email", "email_id"},
	{"review.field_city", "current_city"}, {"review.field_employer", "employer_name"},
	{"review.field_id_expiry", "date_of_expiry"}, {"review.field_visa_expiry", "visa_expiry_date"},
}

func customerFacts(values map[string]string) []pages.CustomerFact {
	out := make([]pages.CustomerFact, 0, len(recordFacts))
	for _, f := range recordFacts {
		v := values[f.field]
		if v == "" {
			v = "—"
		}
		out = append(out, pages.CustomerFact{Label: f.label, Value: v})
	}
	return out
}

func confirmationRow(rc store.ReviewConfirmation) pages.ConfirmationRow {
	row := pages.ConfirmationRow{State: "review.state_" + rc.State, Maker: rc.MakerName, Note: rc.Note,
		ConfirmedAt: rc.ConfirmedAt.UTC().Format("2006-01-02 15:04 UTC"), Checker: rc.CheckerName, Comment: rc.Comment}
	if rc.CheckerName != "" {
		row.DecidedAt = rc.DecidedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	if rc.State == "approved" {
		row.Due = rc.NextDue.Format(time.DateOnly)
	}
	return row
}
