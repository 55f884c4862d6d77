package cdp

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"testing/iotest"
)

// TestBodyIsWhatJSONWrites: the streamed body is encoding/json's bytes exactly, what an
// evidence pack says was sent (PayloadByHash), however the transport reads it: documents
// of every length modulo three, empty and nil ones, escapes, nested arrays and objects.
func TestBodyIsWhatJSONWrites(t *testing.T) {
	t.Parallel()
	doc := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7 + n)
		}
		return b
	}
	payloads := map[string]any{
		"onboard": Payload{
			"channel": "BRANCH", "first_name": `Fa"tima <&> \ é`, "id_details": []any{map[string]any{"id_type": int64(4), "ok": true}},
			"documents": []any{
				map[string]any{"base64_data": doc(100_001), "content_type": "image/jpeg"},
				map[string]any{"base64_data": doc(2), "document_id": "B"},
				map[string]any{"base64_data": doc(1)},
				map[string]any{"base64_data": []byte{}},
				map[string]any{"base64_data": []byte(nil)},
			},
			"photo": map[string]any{"base64_data": doc(33_333)}, "empty": map[string]any{}, "list": []any{},
			"fixed": map[string]string{"b": "2", "a": "1"}, "none": nil, "amount": 1.5,
		},
		"no documents":    lookupRequest{IDNumber: "784199012345678", IDType: "4"},
		"only a document": map[string]any{"x": doc(5)},
	}
	for name, p := range payloads {
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := newBody(p)
		if err != nil {
			t.Fatal(err)
		}
		if b.size() != int64(len(want)) {
			t.Errorf("%s: size %d, JSON %d bytes", name, b.size(), len(want))
		}
		if err := iotest.TestReader(b.reader(), want); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, chunk := range []int{1, 2, 3, 4, 5, 7, 32 << 10} {
			got, err := readIn(b.reader(), chunk)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s read %d bytes at a time: %d bytes (%v), want JSON's %d", name, chunk, len(got), err, len(want))
			}
		}
	}
}

// readIn reads r to its end with reads of size bytes.
func readIn(r io.Reader, size int) ([]byte, error) {
	var out []byte
	buf := make([]byte, size)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

func TestNoBodyIsNil(t *testing.T) {
	t.Parallel()
	if b, err := newBody(nil); b != nil || err != nil {
		t.Errorf("newBody(nil) = %v, %v; want no body", b, err)
	}
}
