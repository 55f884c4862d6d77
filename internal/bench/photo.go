package bench

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
)

// Photo is a deterministic JPEG photo of w×h pixels: a lit card with printed bands on a
// background, and sensor noise, which is what makes a phone photo weigh 4 to 5 MB at
// 4000×3000 (12 megapixels).
func Photo(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(4, 2)) // #nosec G404 -- the same test photo on every run, by design
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, pixel(x, y, w, h, r.IntN(49)-24))
		}
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 92}); err != nil {
		panic(err) // an RGBA image into a buffer cannot fail
	}
	return out.Bytes()
}

// pixel is the scene at (x, y) plus noise.
func pixel(x, y, w, h, noise int) color.RGBA {
	v := 60 + 80*x/w + 40*y/h // the background, lit from one side
	card := x > w/8 && x < 7*w/8 && y > h/6 && y < 5*h/6
	if card {
		v = 200 - 30*y/h
		if (y/(h/40))%3 == 0 && x > w/3 { // lines of print
			v = 50
		}
	}
	c := func(base int) uint8 { return uint8(min(max(base+noise, 0), 255)) }
	return color.RGBA{c(v), c(v - 10), c(v - 25), 255}
}
