package audit

import "iter"

// CatalogueForTest lets the external tests walk the catalogue.
func CatalogueForTest() iter.Seq[Action] {
	return func(yield func(Action) bool) {
		for a := range catalogue {
			if !yield(a) {
				return
			}
		}
	}
}
