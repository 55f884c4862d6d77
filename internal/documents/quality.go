package documents

import (
	"image"
)

// thresholds are per kind: an ID card is flat, printed and glossy; a face is soft-edged.
type thresholds struct {
	minSharpness float64 // variance of the Laplacian of the grey image, scaled to 512 px
	maxGlare     float64 // share of blown-out pixels
}

var qualityOf = map[string]thresholds{
	"id_front": {minSharpness: 100, maxGlare: 0.05},
	"id_back":  {minSharpness: 100, maxGlare: 0.05},
	"face":     {minSharpness: 40, maxGlare: 0.10},
}

const qualityEdge = 512 // judged at one scale, so that the numbers mean the same for any camera

// qualityWarnings are hints, not refusals: the agent may go on with a reason.
func qualityWarnings(kind string, img *image.YCbCr) []string {
	t, ok := qualityOf[kind]
	if !ok {
		return nil
	}
	grey := luma(img, qualityEdge)
	var out []string
	// In the agent's words: the measures and their thresholds mean nothing at the counter.
	if sharpness(grey) < t.minSharpness {
		out = append(out, "The photo looks blurred, so the checker may not be able to read it. "+
			"Hold the camera still, let it focus, and take the photo again.")
	}
	if glare(grey.Pix) > t.maxGlare {
		out = append(out, "Light shines off part of the photo and hides what is there. "+
			"Tilt the card away from the light, or move away from the window, and take it again.")
	}
	return out
}

// luma is img's luma plane (the grey image: Y is 0.299 R + 0.587 G + 0.114 B) scaled so
// that its longest side is at most edge.
func luma(img *image.YCbCr, edge int) *image.Gray {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	dw, dh := uprightSize(w, h, edge, 1)
	g := image.NewGray(image.Rect(0, 0, dw, dh))
	resample(g.Pix, g.Stride, dw, dh, img.Y[img.YOffset(img.Rect.Min.X, img.Rect.Min.Y):], img.YStride, w, h, 1)
	return g
}

// sharpness is the variance of the 4-neighbour Laplacian: low when edges are soft.
func sharpness(g *image.Gray) float64 {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	if w < 3 || h < 3 {
		return 0
	}
	var sum, sumSq float64
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*g.Stride + x
			l := float64(int(g.Pix[i-1]) + int(g.Pix[i+1]) + int(g.Pix[i-g.Stride]) + int(g.Pix[i+g.Stride]) - 4*int(g.Pix[i]))
			sum += l
			sumSq += l * l
		}
	}
	n := float64((w - 2) * (h - 2))
	mean := sum / n
	return sumSq/n - mean*mean
}

// glare is the share of pixels at or near pure white.
func glare(pix []uint8) float64 {
	blown := 0
	for _, p := range pix {
		if p >= 250 {
			blown++
		}
	}
	return float64(blown) / float64(len(pix))
}
