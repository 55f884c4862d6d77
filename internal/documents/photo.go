package documents

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
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

// decodeSlots bounds how many photos are decoded at once: a 40-megapixel decode holds a
// few hundred MB, so concurrency, not file size, is what bounds memory.
var decodeSlots = make(chan struct{}, 2)

func preparePhoto(kind string, data []byte) (Prepared, error) {
	format := sniff(data)
	if format != formatJPEG && format != formatPNG {
		return Prepared{}, reject("A photo must be a JPEG or PNG image; this file is %s. Its name and type are not what counts: its content is.", format)
	}
	if err := checkWhole(data, format); err != nil {
		return Prepared{}, err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Prepared{}, reject("The image is damaged or incomplete (%s). Take the photo again.", format)
	}
	orient := 1
	if format == formatJPEG {
		orient = orientation(data)
	}
	if err := checkSize(kind, cfg.Width, cfg.Height); err != nil {
		return Prepared{}, err
	}
	decodeSlots <- struct{}{}
	defer func() { <-decodeSlots }()
	img, err := decode(data, format)
	if err != nil {
		return Prepared{}, reject("The image is damaged or incomplete: it could not be read to the end. Take the photo again.")
	}
	upright := orient8(fit(img, StoredEdge), orient)
	return encodePhoto(kind, upright)
}

// checkWhole refuses a file that carries more than its image: bytes after the end marker
// or another format's markers inside (a polyglot).
func checkWhole(data []byte, format string) error {
	end := pngEnd(data)
	if format == formatJPEG {
		end = jpegEnd(data)
	}
	if trailing(data, end) || hiddenContent(data, format) {
		return reject("The file is %s with something else hidden in it (data after the image, a script, web page, PDF or archive). Save the photo again as a plain image.", format)
	}
	return nil
}

func checkSize(kind string, w, h int) error {
	if w*h > MaxPixels || w > 50_000 || h > 50_000 {
		return reject("The image is %d×%d pixels, over the limit of %d megapixels. Use a smaller photo.", w, h, MaxPixels/1_000_000)
	}
	long, short := max(w, h), min(w, h)
	if want := minSize[kind]; long < want[0] || short < want[1] {
		return reject("The image is %d×%d pixels; this document needs at least %d×%d. Take the photo closer or at a higher resolution.", w, h, want[0], want[1])
	}
	return nil
}

func decode(data []byte, format string) (image.Image, error) {
	if format == formatPNG {
		return png.Decode(bytes.NewReader(data))
	}
	return jpeg.Decode(bytes.NewReader(data))
}

// fit scales img down so that its longest side is at most edge, onto white (a PNG may be
// transparent; the stored JPEG cannot be).
func fit(img image.Image, edge int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if scale := float64(edge) / float64(max(w, h)); scale < 1 {
		w, h = max(1, int(float64(w)*scale+0.5)), max(1, int(float64(h)*scale+0.5))
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	} else {
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	}
	return dst
}

// orient8 turns src upright according to its EXIF orientation (1 to 8).
func orient8(src *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			dx, dy := orientedPoint(o, x, y, w, h)
			dst.SetRGBA(dx, dy, src.RGBAAt(x, y))
		}
	}
	return dst
}

// orientedPoint is where the pixel (x, y) of a w×h image lands once turned upright.
func orientedPoint(o, x, y, w, h int) (int, int) {
	switch o {
	case 2: // mirrored
		return w - 1 - x, y
	case 3: // upside down
		return w - 1 - x, h - 1 - y
	case 4: // upside down, mirrored
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // turned 90° counter-clockwise when taken: turn clockwise
		return h - 1 - y, x
	case 7: // transversed
		return h - 1 - y, w - 1 - x
	default: // 8: turn counter-clockwise
		return y, w - 1 - x
	}
}

func encodePhoto(kind string, img *image.RGBA) (Prepared, error) {
	var out, thumb bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: jpegQ}); err != nil {
		return Prepared{}, fmt.Errorf("documents: encode: %w", err)
	}
	if err := jpeg.Encode(&thumb, fit(img, thumbEdge), &jpeg.Options{Quality: 80}); err != nil {
		return Prepared{}, fmt.Errorf("documents: encode thumbnail: %w", err)
	}
	b := img.Bounds()
	return Prepared{ContentType: "image/jpeg", Data: out.Bytes(), Thumb: thumb.Bytes(),
		Width: b.Dx(), Height: b.Dy(), Warnings: qualityWarnings(kind, img)}, nil
}
