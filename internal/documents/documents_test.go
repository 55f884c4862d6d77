package documents

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"strings"
	"testing"

	"kycportal/internal/documents/corpus"
)

// corpusRefusals are the kinds of refusal behind the HTTP statuses the corpus names (the
// web's answer to each kind is the handlers' refusalStatus).
var corpusRefusals = map[string]Refusal{"422": Unacceptable, "413": TooLarge}

func TestCorpus(t *testing.T) {
	t.Parallel()
	for _, c := range corpus.Load(t) {
		t.Run(c.File+" as "+c.Kind, func(t *testing.T) {
			f, err := Spool(bytes.NewReader(c.Data), t.TempDir())
			var p Prepared
			if err == nil {
				defer f.Close()
				p, err = Prepare(c.Kind, f)
			}
			if c.Answer == "ok" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(p.Data) == 0 || len(p.SHA256) != 32 {
					t.Errorf("prepared %d bytes, sha %x", len(p.Data), p.SHA256)
				}
				return
			}
			var rej *Rejection
			if !errors.As(err, &rej) {
				t.Fatalf("err = %v, want a rejection", err)
			}
			if kind, ok := corpusRefusals[c.Answer]; !ok || rej.Kind != kind || !strings.Contains(rej.Message, c.Message) {
				t.Errorf("refused as kind %d with %q; want %s containing %q", rej.Kind, rej.Message, c.Answer, c.Message)
			}
		})
	}
}

// TestMetadataStrippedAndUpright: the GPS photo, taken with the phone turned (EXIF
// orientation 6), is stored upright and without any EXIF.
func TestMetadataStrippedAndUpright(t *testing.T) {
	t.Parallel()
	src := corpus.File(t, "gps-rotated.jpg")
	if orientation(src) != 6 || !bytes.Contains(src, []byte("Exif")) {
		t.Fatal("the corpus file lost its EXIF orientation 6")
	}
	p, err := Prepare("id_front", bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.Data, []byte("Exif")) || bytes.Contains(p.Thumb, []byte("Exif")) {
		t.Error("the stored copy still carries EXIF")
	}
	img, err := jpeg.Decode(bytes.NewReader(p.Data))
	if err != nil {
		t.Fatal(err)
	}
	// The source is 1000×640 with a red block top-left; turned clockwise it is 640×1000
	// with the block top-right.
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 1000 || p.Width != 640 || p.Height != 1000 {
		t.Fatalf("stored %v (recorded %dx%d), want 640×1000", b, p.Width, p.Height)
	}
	if !reddish(img, 600, 40) || reddish(img, 40, 40) {
		t.Error("the red corner is not where an upright image has it")
	}
}

func reddish(img image.Image, x, y int) bool {
	r, g, _, _ := img.At(x, y).RGBA()
	return r>>8 > 180 && g>>8 < 80
}

// turned is a 3×2 image whose pixels are numbered 1 to 6, row by row, turned by each EXIF
// orientation.
var turned = map[int][]uint8{
	1: {1, 2, 3, 4, 5, 6},
	2: {3, 2, 1, 6, 5, 4},
	3: {6, 5, 4, 3, 2, 1},
	4: {4, 5, 6, 1, 2, 3},
	5: {1, 4, 2, 5, 3, 6},
	6: {4, 1, 5, 2, 6, 3},
	7: {6, 3, 5, 2, 4, 1},
	8: {3, 6, 2, 5, 1, 4},
}

func TestOrientations(t *testing.T) {
	t.Parallel()
	// A 3×2 image whose pixels are numbered, turned by each orientation.
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range 6 {
		src.Pix[i*4], src.Pix[i*4+3] = uint8(i+1), 255
	}
	for o, w := range turned {
		got := upright(src, 100, o)
		var seq []uint8
		for i := 0; i < len(got.Pix); i += 4 {
			seq = append(seq, got.Pix[i])
		}
		if !bytes.Equal(seq, w) {
			t.Errorf("orientation %d: %v, want %v", o, seq, w)
		}
	}
}

// TestOrientationsYCbCr: a decoded JPEG is turned in its own planes as upright turns RGBA,
// whatever its chroma layout (4:2:0 at its size and upright is kept as it is).
func TestOrientationsYCbCr(t *testing.T) {
	t.Parallel()
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420} {
		src := image.NewYCbCr(image.Rect(0, 0, 3, 2), ratio)
		for i := range 6 {
			src.Y[i] = uint8(i + 1)
		}
		for o, w := range turned {
			got := uprightYCbCr(src, 100, o)
			// 4:2:0 chroma averages neighbours: luma, which is whole, shows where each pixel went.
			var seq []uint8
			for y := range got.Rect.Dy() {
				seq = append(seq, got.Y[y*got.YStride:y*got.YStride+got.Rect.Dx()]...)
			}
			if !bytes.Equal(seq, w) {
				t.Errorf("%v, orientation %d: %v, want %v", ratio, o, seq, w)
			}
		}
	}
}

func TestQualityWarnings(t *testing.T) {
	t.Parallel()
	sharp, err := Prepare("id_front", bytes.NewReader(corpus.File(t, "id-front.jpg")))
	if err != nil {
		t.Fatal(err)
	}
	if len(sharp.Warnings) != 0 {
		t.Errorf("a sharp card got warnings %v", sharp.Warnings)
	}
	flat, err := Prepare("id_front", bytes.NewReader(corpus.File(t, "blurred.jpg")))
	if err != nil {
		t.Fatal(err)
	}
	if len(flat.Warnings) != 1 || !strings.Contains(flat.Warnings[0], "blurred") {
		t.Errorf("a featureless photo got warnings %v, want one about blur", flat.Warnings)
	}
	white := image.NewYCbCr(image.Rect(0, 0, 100, 100), image.YCbCrSubsampleRatio420)
	for i := range white.Y {
		white.Y[i] = 255
	}
	w := qualityWarnings("face", white)
	if len(w) != 2 || !strings.Contains(w[1], "light") {
		t.Errorf("a white photo got %v, want blur and glare", w)
	}
	for _, msg := range append(w, flat.Warnings...) { // an agent's words: no measure, no threshold
		if strings.ContainsAny(msg, "0123456789%") {
			t.Errorf("a warning speaks in figures: %q", msg)
		}
	}
}

// FuzzPrepare: no input panics or is accepted as something it is not.
func FuzzPrepare(f *testing.F) {
	for _, name := range []string{"id-front.jpg", "id-back.png", "report.pdf", "gps-rotated.jpg", "truncated.jpg", "huge-header.png"} {
		b, err := os.ReadFile("testdata/uploads/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 4096)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, kind := range []string{"face", "ekyc_report"} {
			p, err := Prepare(kind, bytes.NewReader(data))
			var rej *Rejection
			if err != nil && !errors.As(err, &rej) {
				t.Fatalf("Prepare(%s) = %v, want a Rejection", kind, err)
			}
			if err == nil && kind == "face" && sniff(p.Data) != formatJPEG {
				t.Fatalf("accepted a photo stored as %s", sniff(p.Data))
			}
		}
	})
}

// TestReportWithoutQPDF: where the PDF parser is missing, a report is refused with 503 and a
// message saying so, never accepted unchecked.
func TestReportWithoutQPDF(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Prepare("ekyc_report", bytes.NewReader(corpus.File(t, "report.pdf")))
	var r *Rejection
	if !errors.As(err, &r) || r.Kind != CannotCheck || !strings.Contains(r.Message, "qpdf") {
		t.Errorf("err = %v, want a 503 naming qpdf", err)
	}
}
