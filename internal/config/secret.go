package config

import (
	"encoding/hex"
	"fmt"
	"os"
	"strings"
)

// secret reads name, or the file that name_FILE names (a container secret); its trailing
// newline goes. Both set is refused (which one wins would be a guess), and so is an empty
// file: a secret mounted empty is a deployment mistake, not a choice.
func (p *parser) secret(name string) string {
	value, file := p.getenv(name), p.getenv(name+"_FILE")
	if file == "" {
		return value
	}
	if value != "" {
		p.fail(name, "set it or "+name+"_FILE, not both")
		return ""
	}
	b, err := os.ReadFile(file) // #nosec G304 -- the operator names the secret's file (_FILE): reading it is the point
	if err != nil {
		p.fail(name+"_FILE", err.Error())
		return ""
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		p.fail(name+"_FILE", file+" is empty")
	}
	return v
}

// minAuditKey is the shortest audit HMAC key accepted: 32 characters, as `openssl rand -hex
// 16` prints at least; shorter keys make the hashes of ID numbers guessable offline.
const minAuditKey = 32

func (p *parser) longSecret(name string) string {
	key := p.secret(name)
	if key != "" && len(key) < minAuditKey {
		p.fail(name, fmt.Sprintf("at least %d characters (openssl rand -hex 32 makes one)", minAuditKey))
	}
	return key
}

// documentsKey reads a key-encryption key of documents: 32 bytes as 64 hex characters.
func (p *parser) documentsKey(name string) string {
	key := p.secret(name)
	if b, err := hex.DecodeString(key); key != "" && (err != nil || len(b) != 32) {
		p.fail(name, "64 hexadecimal characters (openssl rand -hex 32 makes one)")
	}
	return key
}
