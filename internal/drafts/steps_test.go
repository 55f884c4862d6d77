package drafts

import (
	"slices"
	"testing"

	"kycportal/internal/packs"
)

// TestSteps: a draft goes through its pack's sections in order, then the documents, then
// the review; an unknown step is the first; after the review comes the review.
func TestSteps(t *testing.T) {
	t.Parallel()
	p, _ := packs.Default().Latest("AE")
	var want []string
	for _, s := range p.Sections {
		want = append(want, s.Key)
	}
	first, last := want[0], want[len(want)-1]
	want = append(want, StepDocuments, StepReview)
	if got := Steps(p); !slices.Equal(got, want) {
		t.Errorf("steps %v, want %v", got, want)
	}
	for key, wantStep := range map[string]string{"": first, "nonsense": first, StepReview: StepReview, last: last} {
		if got := Step(p, key); got != wantStep {
			t.Errorf("Step(%q) = %q, want %q", key, got, wantStep)
		}
	}
	for key, next := range map[string]string{first: want[1], last: StepDocuments, StepDocuments: StepReview,
		StepReview: StepReview, "nonsense": StepReview} {
		if got := NextStep(p, key); got != next {
			t.Errorf("NextStep(%q) = %q, want %q", key, got, next)
		}
	}
}
