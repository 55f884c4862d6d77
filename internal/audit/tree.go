package audit

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// The tree is RFC 6962's, built by golang.org/x/mod/sumdb/tlog. tlog numbers every hash
// it stores; the hashes record n adds (its leaf hash, then the root of each subtree it
// completes) are kept together in audit_leaves.hashes of position n, so the hash with
// stored index i lives in the row of the record that completed it, at offset = its level.

// storedAt is the position whose row keeps the hash of stored index i, and its offset there.
func storedAt(i int64) (position int64, offset int) {
	level, n := tlog.SplitStoredHashIndex(i)
	return (n+1)<<level - 1, level
}

// hashesOf splits a row's hashes column.
func hashesOf(b []byte) ([]tlog.Hash, error) {
	if len(b) == 0 || len(b)%tlog.HashSize != 0 {
		return nil, fmt.Errorf("hashes of %d bytes", len(b))
	}
	out := make([]tlog.Hash, len(b)/tlog.HashSize)
	for i := range out {
		copy(out[i][:], b[i*tlog.HashSize:])
	}
	return out, nil
}

func joinHashes(hs []tlog.Hash) []byte {
	b := make([]byte, 0, len(hs)*tlog.HashSize)
	for _, h := range hs {
		b = append(b, h[:]...)
	}
	return b
}

// storedHashes reads stored hashes from audit_leaves: a tlog.HashReader over the table.
type storedHashes struct {
	ctx context.Context
	q   Querier
}

func (s storedHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	positions := make([]int64, len(indexes))
	for i, idx := range indexes {
		positions[i], _ = storedAt(idx)
	}
	rows, err := s.q.Query(s.ctx, `SELECT position, hashes FROM audit_leaves WHERE position = ANY($1)`, positions)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byPosition := map[int64][]tlog.Hash{}
	for rows.Next() {
		var p int64
		var b []byte
		if err := rows.Scan(&p, &b); err != nil {
			return nil, err
		}
		if byPosition[p], err = hashesOf(b); err != nil {
			return nil, fmt.Errorf("leaf %d: %w", p, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		p, off := storedAt(idx)
		hs := byPosition[p]
		if off >= len(hs) {
			return nil, fmt.Errorf("leaf %d: no stored hash at level %d", p, off)
		}
		out[i] = hs[off]
	}
	return out, nil
}

// frontier keeps, for a tree of some size, the roots of its complete subtrees: all that
// adding the next record or hashing the whole tree reads. It answers from them and passes
// anything else to back (nil: nothing else is known).
type frontier struct {
	size   int64
	hashes map[int64]tlog.Hash
	back   tlog.HashReader
}

func (f *frontier) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for i, idx := range indexes {
		h, ok := f.hashes[idx]
		if !ok {
			missing = append(missing, idx)
		}
		out[i] = h
	}
	if len(missing) == 0 {
		return out, nil
	}
	if f.back == nil {
		return nil, fmt.Errorf("tree hashes %v are not known", missing)
	}
	found, err := f.back.ReadHashes(missing)
	if err != nil {
		return nil, err
	}
	for i, j := 0, 0; i < len(indexes); i++ {
		if _, ok := f.hashes[indexes[i]]; !ok {
			out[i], j = found[j], j+1
		}
	}
	return out, nil
}

// add enters the record at position f.size with leaf hash h and returns the hashes it
// stores.
func (f *frontier) add(h tlog.Hash) ([]tlog.Hash, error) {
	stored, err := tlog.StoredHashesForRecordHash(f.size, h, f)
	if err != nil {
		return nil, err
	}
	base := tlog.StoredHashIndex(0, f.size)
	for i, s := range stored {
		f.hashes[base+int64(i)] = s
	}
	f.size++
	f.prune()
	return stored, nil
}

// prune forgets every hash but the roots of the complete subtrees of the current size.
func (f *frontier) prune() {
	keep := make(map[int64]bool, 64) // one complete subtree per bit of the size, at most
	for level := 0; f.size>>level > 0; level++ {
		if f.size>>level&1 == 1 {
			keep[tlog.StoredHashIndex(level, f.size>>level-1)] = true
		}
	}
	for idx := range f.hashes {
		if !keep[idx] {
			delete(f.hashes, idx)
		}
	}
}

func newFrontier(size int64, back tlog.HashReader) *frontier {
	return &frontier{size: size, hashes: map[int64]tlog.Hash{}, back: back}
}
