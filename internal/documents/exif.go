package documents

import (
	"bytes"
	"encoding/binary"
)

// orientation reads the EXIF orientation (1 to 8) of a JPEG, 1 when it has none. Only
// this one tag is read; everything else in the metadata is dropped by re-encoding.
func orientation(jpeg []byte) int {
	i := 2
	for i+4 <= len(jpeg) && jpeg[i] == 0xFF {
		marker := jpeg[i+1]
		length := int(binary.BigEndian.Uint16(jpeg[i+2:]))
		if marker == 0xDA || length < 2 || i+2+length > len(jpeg) {
			return 1 // metadata comes before the image data
		}
		seg := jpeg[i+4 : i+2+length]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + length
	}
	return 1
}

// tiffOrientation finds tag 0x0112 in the first IFD of a TIFF header.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	ifd := int(order.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	n := int(order.Uint16(t[ifd:]))
	for e := range n {
		at := ifd + 2 + 12*e
		if at+12 > len(t) {
			return 1
		}
		if order.Uint16(t[at:]) == 0x0112 {
			if v := int(order.Uint16(t[at+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}
