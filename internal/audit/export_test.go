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

// ChainHashForTest is the former chain's link of r, to write rows as the trail did before
// the tree.
func ChainHashForTest(r Row) []byte { return r.chainHash() }

// SealLockForTest is the sealers' advisory lock, for a test to play a stuck sealer.
const SealLockForTest = sealLock
