package documents

import (
	"image"
	"image/color"
)

// A decoded JPEG is YCbCr: one byte of luma a pixel and chroma planes at half size or less.
// Scaling its planes as they are keeps the stored photo at 1.5 bytes a pixel, where
// scaling it into RGBA made a 4-byte copy (17 MB at 2400×1800) beside the 18 MB decoded
// 12-megapixel photo; that copy was the largest part of an upload's memory after the
// decode itself.

// uprightYCbCr scales img so that its longest side is at most edge and turns it as its EXIF
// orientation says, into YCbCr 4:2:0, what the stored JPEG holds. A photo that decodes to
// something else (a PNG, a grey or CMYK JPEG) goes through RGBA on white, as a transparent
// PNG needs.
func uprightYCbCr(img image.Image, edge, orient int) *image.YCbCr {
	src, ok := img.(*image.YCbCr)
	if !ok || src.Rect.Min != (image.Point{}) {
		return toYCbCr(upright(img, edge, orient))
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := uprightSize(w, h, edge, orient)
	if dw == w && dh == h && orient <= 1 && src.SubsampleRatio == image.YCbCrSubsampleRatio420 {
		return src // already upright, at its size, in the stored layout: the browser's photo
	}
	dst := image.NewYCbCr(image.Rect(0, 0, dw, dh), image.YCbCrSubsampleRatio420)
	resample(dst.Y, dst.YStride, dw, dh, src.Y, src.YStride, w, h, orient)
	cw, ch := chromaSize(src.SubsampleRatio, w, h)
	dcw, dch := chromaSize(image.YCbCrSubsampleRatio420, dw, dh)
	resample(dst.Cb, dst.CStride, dcw, dch, src.Cb, src.CStride, cw, ch, orient)
	resample(dst.Cr, dst.CStride, dcw, dch, src.Cr, src.CStride, cw, ch, orient)
	return dst
}

// uprightSize is the size of a w×h image turned as orient says and scaled so that its
// longest side is at most edge.
func uprightSize(w, h, edge, orient int) (width, height int) {
	if orient >= 5 && orient <= 8 {
		w, h = h, w
	}
	if scale := float64(edge) / float64(max(w, h)); scale < 1 {
		return max(1, int(float64(w)*scale+0.5)), max(1, int(float64(h)*scale+0.5))
	}
	return w, h
}

// chromaSize is the size of a chroma plane of a w×h image at ratio r.
func chromaSize(r image.YCbCrSubsampleRatio, w, h int) (width, height int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// toYCbCr converts an RGBA image (opaque: upright draws it onto white) to YCbCr 4:4:4.
func toYCbCr(m *image.RGBA) *image.YCbCr {
	out := image.NewYCbCr(m.Rect, image.YCbCrSubsampleRatio444)
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for y := range h {
		for x := range w {
			p := m.Pix[y*m.Stride+4*x:]
			i := y*out.YStride + x
			out.Y[i], out.Cb[i], out.Cr[i] = color.RGBToYCbCr(p[0], p[1], p[2])
		}
	}
	return out
}

// axis maps each index along a destination axis to the offsets of the two source samples
// around it and the weight of the second in 1/256: a bilinear filter, as x/image/draw's
// ApproxBiLinear, with the sample centres where it puts them.
type axis struct {
	off0, off1 []int
	w          []int
}

// newAxis maps n destination samples onto a source axis of length src whose samples lie
// step bytes apart, backwards when reversed.
func newAxis(n, src, step int, reversed bool) axis {
	a := axis{off0: make([]int, n), off1: make([]int, n), w: make([]int, n)}
	scale := float64(src) / float64(n)
	for i := range n {
		pos := min(max((float64(i)+0.5)*scale-0.5, 0), float64(src-1))
		if reversed {
			pos = float64(src-1) - pos
		}
		i0 := int(pos)
		a.off0[i], a.off1[i] = i0*step, min(i0+1, src-1)*step
		a.w[i] = int((pos - float64(i0)) * 256)
	}
	return a
}

// orientations says, for each EXIF orientation, whether the upright image's x axis runs
// along the source's y axis (the photo was taken turned), and whether its x and y axes run
// backwards: the inverse of orientation8.
var orientations = [9]struct{ swap, revX, revY bool }{
	2: {revX: true}, 3: {revX: true, revY: true}, 4: {revY: true},
	5: {swap: true}, 6: {swap: true, revX: true}, 7: {swap: true, revX: true, revY: true}, 8: {swap: true, revY: true},
}

// resample fills the dw×dh plane dst from the sw×sh plane src, turned as orient says.
func resample(dst []byte, dstStride, dw, dh int, src []byte, srcStride, sw, sh, orient int) {
	o := orientations[min(max(orient, 0), 8)]
	var xs, ys axis
	if o.swap {
		xs, ys = newAxis(dw, sh, srcStride, o.revX), newAxis(dh, sw, 1, o.revY)
	} else {
		xs, ys = newAxis(dw, sw, 1, o.revX), newAxis(dh, sh, srcStride, o.revY)
	}
	for y := range dh {
		r0 := ys.off0[y]
		r1 := ys.off1[y]
		wy := ys.w[y]
		row := dst[y*dstStride : y*dstStride+dw]
		for x := range row {
			c0 := xs.off0[x]
			c1 := xs.off1[x]
			wx := xs.w[x]
			a, b := int(src[r0+c0]), int(src[r0+c1])
			c, d := int(src[r1+c0]), int(src[r1+c1])
			top, bottom := a<<8+(b-a)*wx, c<<8+(d-c)*wx
			row[x] = uint8((top<<8 + (bottom-top)*wy + 1<<15) >> 16) // #nosec G115 -- a weighted mean of bytes is at most 255
		}
	}
}
