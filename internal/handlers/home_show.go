package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/i18n"
	"kycportal/internal/review"
	"kycportal/internal/store"
	"kycportal/internal/views/components"
	"kycportal/internal/views/pages"
)

// homeShow is each role's start page: a supervisor's shows their branch's dashboard, an
// admin's the whole bank's.
func (s *Server) homeShow(c echo.Context) error {
	u, _ := userOf(c)
	ch := s.chromeT(c, "home_title", "home")
	if u.Role == store.RoleAgent {
		return render(c, http.StatusOK, pages.HomePage(ch))
	}
	l := langOf(c)
	scope := l.T("dash.all_branches")
	if branch := review.Scope(u); branch != "" {
		scope = l.T("header_branch", "Branch", branch)
	}
	loc := s.zoneOf(c.Request().Context(), u.Branch)
	d, err := s.review.Dashboard(c.Request().Context(), u, loc)
	if err != nil {
		return err
	}
	v := dashboardView(l, d, scope, s.Now(), loc)
	v.QueueLink = u.Role == store.RoleSupervisor // the approvals are a checker's page
	return render(c, http.StatusOK, pages.DashboardPage(ch, v))
}

// cdpErrorBudget is the share of failed CDP calls in an hour above which the CDP shows as
// degraded.
const cdpErrorBudget = 0.05

func dashboardView(
	l *i18n.Lang, d store.Dashboard, scope string, now time.Time, loc *time.Location,
) pages.DashboardView {
	v := pages.DashboardView{
		Scope:       scope,
		Zone:        loc.String(),
		QueueLength: d.QueueLength,
		Onboarded30: d.Onboarded30,
		CDPCalls:    d.CDPCalls,
	}
	for _, st := range d.States {
		st.State = l.T("state." + st.State)
		v.States = append(v.States, pages.StateRow(st))
		v.StateBars = append(v.StateBars, components.Bar{Label: st.State, Value: st.Month})
	}
	for _, a := range d.Agents {
		v.Agents = append(v.Agents, pages.AgentRow(a))
		v.AgentBars = append(v.AgentBars, components.Bar{Label: a.Username, Value: a.Submitted})
	}
	for _, r := range d.Reasons {
		v.Reasons = append(v.Reasons, pages.ReasonRow{DraftID: r.DraftID, State: l.T("state." + r.State), By: r.By,
			Comment: r.Comment, At: l.Stamp(r.At.In(loc))})
	}
	if !d.QueueOldest.IsZero() {
		v.QueueOldest = humanDuration(l, now.Sub(d.QueueOldest))
	}
	if d.Onboarded30 > 0 {
		v.Median = humanDuration(l, d.MedianToCDP)
	}
	if d.CDPCalls > 0 {
		rate := float64(d.CDPFailures) / float64(d.CDPCalls)
		v.CDPErrorRate = fmt.Sprintf("%.1f%%", 100*rate)
		v.CDPHealthy = rate <= cdpErrorBudget
		v.CDPP50, v.CDPP95 = l.T(
			"dash.ms",
			"N",
			l.Number(int(d.CDPLatencyP50.Milliseconds())),
		), l.T(
			"dash.ms",
			"N",
			l.Number(int(d.CDPLatencyP95.Milliseconds())),
		)
	}
	return v
}

// humanDuration says a span as a person would: "3 h 20 min", "2 d 4 h", "45 s".
func humanDuration(l *i18n.Lang, d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return l.T("dash.d_h", "D", int(d.Hours())/24, "H", int(d.Hours())%24)
	case d >= time.Hour:
		return l.T("dash.h_min", "H", int(d.Hours()), "Min", int(d.Minutes())%60)
	case d >= time.Minute:
		return l.T("dash.min", "Min", int(d.Minutes()))
	}
	return l.T("dash.s", "S", int(d.Seconds()))
}
