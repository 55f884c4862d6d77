package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/review"
	"kycportal/internal/store"
	"kycportal/internal/submission"
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
	scope := "all branches"
	if branch := review.Scope(u); branch != "" {
		scope = "branch " + branch
	}
	loc := s.zoneOf(c.Request().Context(), u.Branch)
	d, err := s.review.Dashboard(c.Request().Context(), u, loc)
	if err != nil {
		return err
	}
	v := dashboardView(d, scope, s.Now(), loc)
	v.QueueLink = u.Role == store.RoleSupervisor // the approvals are a checker's page
	return render(c, http.StatusOK, pages.DashboardPage(ch, v))
}

// cdpErrorBudget is the share of failed CDP calls in an hour above which the CDP shows as
// degraded.
const cdpErrorBudget = 0.05

func dashboardView(d store.Dashboard, scope string, now time.Time, loc *time.Location) pages.DashboardView {
	v := pages.DashboardView{Scope: scope, Zone: loc.String(), QueueLength: d.QueueLength, Onboarded30: d.Onboarded30, CDPCalls: d.CDPCalls}
	for _, st := range d.States {
		st.State = submission.State(st.State).Label()
		v.States = append(v.States, pages.StateRow(st))
		v.StateBars = append(v.StateBars, components.Bar{Label: st.State, Value: st.Month})
	}
	for _, a := range d.Agents {
		v.Agents = append(v.Agents, pages.AgentRow(a))
		v.AgentBars = append(v.AgentBars, components.Bar{Label: a.Username, Value: a.Submitted})
	}
	for _, r := range d.Reasons {
		v.Reasons = append(v.Reasons, pages.ReasonRow{DraftID: r.DraftID, State: submission.State(r.State).Label(), By: r.By,
			Comment: r.Comment, At: stamp(r.At, loc)})
	}
	if !d.QueueOldest.IsZero() {
		v.QueueOldest = humanDuration(now.Sub(d.QueueOldest))
	}
	if d.Onboarded30 > 0 {
		v.Median = humanDuration(d.MedianToCDP)
	}
	if d.CDPCalls > 0 {
		rate := float64(d.CDPFailures) / float64(d.CDPCalls)
		v.CDPErrorRate = fmt.Sprintf("%.1f%%", 100*rate)
		v.CDPHealthy = rate <= cdpErrorBudget
		v.CDPP50, v.CDPP95 = d.CDPLatencyP50.Round(time.Millisecond).String(), d.CDPLatencyP95.Round(time.Millisecond).String()
	}
	return v
}

// humanDuration says a span as a person would: "3 h 20 min", "2 d 4 h", "45 s".
func humanDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%d s", int(d.Seconds()))
}
