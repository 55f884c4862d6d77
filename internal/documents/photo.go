package documents

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
	"golang.org/x/sync/semaphore"
)

const (
	// StoredEdge is the longest side of a stored photo: an ID stays legible, the CDP's 5 MiB
	// holds it. The browser scales a larger photo to it before sending (static/portal.js).
	StoredEdge = 2400
	thumbEdge  = 320
	jpegQ      = 88
)

// minSize is the smallest photo of each kind, long side by short side.
var minSize = map[string][2]int{
	"id_front": {800, 500},
	"id_back":  {800, 500},
	"face":     {480, 480},
}

// decodePixels bounds the pixels decoded at once, whatever the number of uploads: a decoded
// photo holds 1.5 to 4 bytes a pixel, far more than its file, so this budget, not the file
// limit, is what bounds memory. A phone's 12-megapixel photo is decoded alone; photos the
// browser scaled (about 4 megapixels) three at a time; a 40-megapixel one waits for all.
const decodePixels = 16_000_000

var decoding = semaphore.NewWeighted(decodePixels)

// headSize is how much of a photo is read before its turn to be decoded: its format, and
// the EXIF segment, which comes first and holds at most 64 KiB.
const headSize = 128 << 10

func preparePhoto(kind string, f File) (Prepared, error) {
	head := make([]byte, min(f.Size(), headSize))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return Prepared{}, fmt.Errorf("documents: read the upload: %w", err)
	}
	format := sniff(head)
	if format != formatJPEG && format != formatPNG {
		return Prepared{}, reject(
			"A photo must be a JPEG or PNG image; this file is %s. Its name and type are not what counts: its content is.",
			format,
		)
	}
	cfg, _, err := image.DecodeConfig(io.NewSectionReader(f, 0, f.Size()))
	if err != nil {
		return Prepared{}, reject("The image is damaged or incomplete (%s). Take the photo again.", format)
	}
	orient := 1
	if format == formatJPEG {
		orient = orientation(head)
	}
	if err := checkSize(kind, cfg.Width, cfg.Height); err != nil {
		return Prepared{}, err
	}
	// The whole file is read only in its turn: uploads waiting for one hold nothing.
	pixels := min(int64(cfg.Width)*int64(cfg.Height), decodePixels)
	_ = decoding.Acquire(context.Background(), pixels) // never fails: the context never ends
	defer decoding.Release(pixels)
	if err := checkWhole(f, format); err != nil {
		return Prepared{}, err
	}
	img, err := decode(io.NewSectionReader(f, 0, f.Size()), format)
	if err != nil {
		return Prepared{}, reject(
			"The image is damaged or incomplete: it could not be read to the end. Take the photo again.",
		)
	}
	// The decoded photo is garbage once scaled: encoding needs only the stored size.
	return encodePhoto(kind, uprightYCbCr(img, StoredEdge, orient))
}

// checkWhole refuses a file that carries more than its image: bytes after the end marker
// or another format's markers inside (a polyglot).
func checkWhole(f File, format string) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	end := pngEnd(data)
	if format == formatJPEG {
		end = jpegEnd(data)
	}
	if trailing(data, end) || hiddenContent(data, format) {
		return reject(
			"The file is %s with something else hidden in it (data after the image, a script, web page, PDF or archive). Save "+
				"the photo again as a plain image.",
			format,
		)
	}
	return nil
}

func checkSize(kind string, w, h int) error {
	if w*h > MaxPixels || w > 50_000 || h > 50_000 {
		return reject(
			"The image is %d×%d pixels, over the limit of %d megapixels. Use a smaller photo.",
			w,
			h,
			MaxPixels/1_000_000,
		)
	}
	long, short := max(w, h), min(w, h)
	if want := minSize[kind]; long < want[0] || short < want[1] {
		return reject(
			"The image is %d×%d pixels; this document needs at least %d×%d. Take the photo closer or at a higher resolution.",
			w,
			h,
			want[0],
			want[1],
		)
	}
	return nil
}

func decode(r io.Reader, format string) (image.Image, error) {
	r = bufio.NewReaderSize(r, 64<<10)
	if format == formatPNG {
		return png.Decode(r)
	}
	return jpeg.Decode(r)
}

// upright scales img so that its longest side is at most edge and turns it as its EXIF
// orientation (1 to 8) says, in one pass onto white (a PNG may be transparent; the stored
// JPEG cannot be): one destination image and no copy in between.
func upright(img image.Image, edge, orient int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if orient >= 5 && orient <= 8 {
		w, h = h, w
	}
	dw, dh := uprightSize(b.Dx(), b.Dy(), edge, orient)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	var interp draw.Interpolator = draw.ApproxBiLinear
	if dw == w && dh == h {
		interp = draw.NearestNeighbor // no scaling: every pixel moves whole
	}
	interp.Transform(dst, orientation8(orient, b, float64(dw)/float64(w), float64(dh)/float64(h)), img, b, draw.Over, nil)
	return dst
}

// orientation8 maps the source rectangle b onto the destination, scaled by sx and sy along
// the destination's axes and turned upright as the EXIF orientation o says.
func orientation8(o int, b image.Rectangle, sx, sy float64) f64.Aff3 {
	dw, dh := sx*float64(b.Dx()), sy*float64(b.Dy())
	if o >= 5 && o <= 8 {
		dw, dh = sx*float64(b.Dy()), sy*float64(b.Dx())
	}
	var a, bb, c, d, e, f float64 // dx = a·x + bb·y + c, dy = d·x + e·y + f
	switch o {
	case 2: // mirrored
		a = -sx
		c = dw
		e = sy
	case 3: // upside down
		a = -sx
		c = dw
		e = -sy
		f = dh
	case 4: // upside down, mirrored
		a = sx
		e = -sy
		f = dh
	case 5: // transposed
		bb, d = sx, sy
	case 6: // turned 90° counter-clockwise when taken: turn clockwise
		bb = -sx
		c = dw
		d = sy
	case 7: // transversed
		bb = -sx
		c = dw
		d = -sy
		f = dh
	case 8: // turn counter-clockwise
		bb = sx
		d = -sy
		f = dh
	default:
		a, e = sx, sy
	}
	x0, y0 := float64(b.Min.X), float64(b.Min.Y)
	return f64.Aff3{a, bb, c - a*x0 - bb*y0, d, e, f - d*x0 - e*y0}
}

func encodePhoto(kind string, img *image.YCbCr) (Prepared, error) {
	out, err := encodeJPEG(img, jpegQ)
	if err != nil {
		return Prepared{}, fmt.Errorf("documents: encode: %w", err)
	}
	thumb, err := encodeJPEG(uprightYCbCr(img, thumbEdge, 1), 80)
	if err != nil {
		return Prepared{}, fmt.Errorf("documents: encode thumbnail: %w", err)
	}
	b := img.Bounds()
	return Prepared{ContentType: "image/jpeg", Data: out, Thumb: thumb,
		Width: b.Dx(), Height: b.Dy(), Warnings: qualityWarnings(kind, img)}, nil
}

// encodeBuffers keep two buffers for encoded photos across uploads: a buffer grows to the
// largest photo once, where a new one grew by doubling for every upload (twice the photo in
// garbage). A sync.Pool would not do: it is emptied by the collections that decoding a
// photo sets off.
var encodeBuffers = make(chan *bytes.Buffer, 2)

// encodeJPEG encodes img at quality q and returns a copy of just its length.
func encodeJPEG(img image.Image, q int) ([]byte, error) {
	var buf *bytes.Buffer
	select {
	case buf = <-encodeBuffers:
	default:
		buf = new(bytes.Buffer)
	}
	defer func() {
		buf.Reset()
		select {
		case encodeBuffers <- buf:
		default:
		}
	}()
	if err := jpeg.Encode(buf, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}
