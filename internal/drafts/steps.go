package drafts

import (
	"slices"

	"kycportal/internal/packs"
)

// A draft's form goes through its pack's sections, in the pack's order, then the
// documents, then the review.
const (
	StepDocuments = "documents" // the uploads
	StepReview    = "review"    // what is missing or would be refused, and the submit button
)

// Steps are the keys of the steps of a draft under pack p, in order.
func Steps(p *packs.Pack) []string {
	var out []string
	for _, s := range p.Sections {
		out = append(out, s.Key)
	}
	return append(out, StepDocuments, StepReview)
}

// Step is key when it names a step of p, else p's first step.
func Step(p *packs.Pack, key string) string {
	all := Steps(p)
	if slices.Contains(all, key) {
		return key
	}
	return all[0]
}

// NextStep is the step after key, or the review.
func NextStep(p *packs.Pack, key string) string {
	all := Steps(p)
	if i := slices.Index(all, key); i >= 0 && i+1 < len(all) {
		return all[i+1]
	}
	return StepReview
}
