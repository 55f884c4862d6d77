package cdp

import (
	"encoding/json"
	"io"
	"slices"

	"github.com/segmentio/asm/base64"
)

// body is a request body as encoding/json would write it, byte for byte, except that each
// []byte of a Payload (a document) is not in it yet: the reader base64-encodes it straight
// into the transport's buffer as the request is sent. An onboard body is mostly its
// documents; json.Marshal built it in a growing buffer, then copied it whole, and its
// scalar base64 was the worker's largest cost (docs/performance.md).
type body struct {
	text []byte // the JSON around the documents
	cuts []cut  // where each document goes in text, in order
}

// cut is a document's place in body.text and its bytes.
type cut struct {
	at   int
	data []byte
}

// newBody is v's JSON as a body: objects, arrays and []byte of a Payload taken apart, any
// other value through json.Marshal. A nil v is no body.
func newBody(v any) (*body, error) {
	if v == nil {
		return nil, nil
	}
	b := &body{}
	return b, b.value(v)
}

func (b *body) value(v any) error {
	switch v := v.(type) {
	case Payload:
		return b.object(v)
	case map[string]any:
		return b.object(v)
	case []any:
		b.text = append(b.text, '[')
		for i, e := range v {
			if i > 0 {
				b.text = append(b.text, ',')
			}
			if err := b.value(e); err != nil {
				return err
			}
		}
		b.text = append(b.text, ']')
		return nil
	case []byte:
		if v == nil {
			b.text = append(b.text, "null"...) // as encoding/json writes a nil slice
			return nil
		}
		b.text = append(b.text, '"')
		b.cuts = append(b.cuts, cut{at: len(b.text), data: v})
		b.text = append(b.text, '"')
		return nil
	}
	j, err := json.Marshal(v)
	b.text = append(b.text, j...)
	return err
}

// object writes m with its keys sorted, as encoding/json does.
func (b *body) object(m map[string]any) error {
	if m == nil {
		b.text = append(b.text, "null"...)
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.text = append(b.text, '{')
	for i, k := range keys {
		if i > 0 {
			b.text = append(b.text, ',')
		}
		j, err := json.Marshal(k)
		if err != nil {
			return err
		}
		b.text = append(append(b.text, j...), ':')
		if err := b.value(m[k]); err != nil {
			return err
		}
	}
	b.text = append(b.text, '}')
	return nil
}

// size is the body's length in bytes.
func (b *body) size() int64 {
	n := len(b.text)
	for _, c := range b.cuts {
		n += base64.StdEncoding.EncodedLen(len(c.data))
	}
	return int64(n)
}

// reader reads the body from its start; each call makes a new one (a retry sends it again).
func (b *body) reader() io.Reader { return &bodyReader{b: b} }

type bodyReader struct {
	b       *body
	at      int    // next byte of b.text
	next    int    // next cut of b.cuts
	inCut   bool   // reading b.cuts[next].data
	off     int    // next byte of that data
	pending []byte // encoded bytes that did not fit the last read
	group   [4]byte
}

func (r *bodyReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		switch {
		case len(r.pending) > 0:
			c := copy(p[n:], r.pending)
			r.pending, n = r.pending[c:], n+c
		case r.inCut:
			n += r.encode(p[n:])
		default:
			end := len(r.b.text)
			if r.next < len(r.b.cuts) {
				end = r.b.cuts[r.next].at
			}
			c := copy(p[n:], r.b.text[r.at:end])
			r.at, n = r.at+c, n+c
			switch {
			case r.at < end:
			case r.next < len(r.b.cuts):
				r.inCut = true
			case n == 0:
				return 0, io.EOF
			default:
				return n, nil
			}
		}
	}
	return n, nil
}

// encode writes the next of the current document's base64 into p, whole groups of four
// characters; a group that does not fit waits in pending. It returns what it wrote.
func (r *bodyReader) encode(p []byte) int {
	data := r.b.cuts[r.next].data[r.off:]
	take := min(len(p)/4*3, len(data))
	if take == 0 && len(data) > 0 { // fewer than four bytes of room
		take = min(3, len(data))
		r.pending = r.group[:base64.StdEncoding.EncodedLen(take)]
		base64.StdEncoding.Encode(r.pending, data[:take])
		r.off += take
		r.endCut()
		return 0
	}
	base64.StdEncoding.Encode(p, data[:take])
	r.off += take
	r.endCut()
	return base64.StdEncoding.EncodedLen(take)
}

// endCut moves past the current document once it is all encoded.
func (r *bodyReader) endCut() {
	if r.off == len(r.b.cuts[r.next].data) {
		r.inCut, r.off = false, 0
		r.next++
	}
}
