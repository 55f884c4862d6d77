package cdp

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// PayloadByHash is the onboard request body p exactly as Onboard (or, with an ecrn, Update)
// sends it, except that each file's base64_data is replaced by the SHA-256 of its bytes
// ("sha256"); it returns the files' bytes beside it. An evidence pack carries the two
// (docs/audit.md).
func PayloadByHash(p Payload, ecrn string) (payload []byte, files [][]byte, err error) {
	if ecrn != "" {
		p = p.WithECRN(ecrn)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers as sent, not through float64
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("cdp.PayloadByHash: %w", err)
	}
	if err := byHash(doc, &files); err != nil {
		return nil, nil, fmt.Errorf("cdp.PayloadByHash: %w", err)
	}
	payload, err = json.MarshalIndent(doc, "", "  ")
	return payload, files, err
}

// byHash walks a decoded payload and replaces every file's data by its hash.
func byHash(v any, files *[][]byte) error {
	switch v := v.(type) {
	case map[string]any:
		if data, ok := v["base64_data"].(string); ok {
			b, err := base64.StdEncoding.DecodeString(data)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			delete(v, "base64_data")
			v["sha256"] = hex.EncodeToString(sum[:])
			*files = append(*files, b)
		}
		for _, child := range v {
			if err := byHash(child, files); err != nil {
				return err
			}
		}
	case []any:
		for _, child := range v {
			if err := byHash(child, files); err != nil {
				return err
			}
		}
	}
	return nil
}
