package audit

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// An evidence pack is a ZIP that proves a case's events offline (docs/audit.md):
//
//	checkpoint.txt    the signed checkpoint the proofs are against
//	events.jsonl      one Proof per line: the event's canonical record and its inclusion proof
//	documents/<hex>   each document, named by the SHA-256 of its bytes
//	payload.json      what the portal sends the CDP for the case, documents by hash
//
// VerifyPack needs nothing but the pack and the log's public key.
const (
	packCheckpoint = "checkpoint.txt"
	packEvents     = "events.jsonl"
	packDocuments  = "documents/"
	packPayload    = "payload.json"
)

// Pack is what goes into an evidence pack.
type Pack struct {
	Checkpoint Checkpoint
	Events     []Proof
	Documents  [][]byte // named by their hash
	Payload    []byte   // JSON; nil: none
}

type packFile struct {
	name string
	data []byte
}

// Write writes the pack as a ZIP.
func (p Pack) Write(w io.Writer) error {
	z := zip.NewWriter(w)
	var events bytes.Buffer
	for _, e := range p.Events {
		line, err := json.Marshal(e)
		if err != nil {
			return err
		}
		events.Write(append(line, '\n'))
	}
	files := []packFile{{packCheckpoint, p.Checkpoint.Note}, {packEvents, events.Bytes()}}
	if p.Payload != nil {
		files = append(files, packFile{packPayload, p.Payload})
	}
	for _, d := range p.Documents {
		sum := sha256.Sum256(d)
		files = append(files, packFile{packDocuments + hex.EncodeToString(sum[:]), d})
	}
	for _, f := range files {
		// Stored, not deflated: the files read as they are with any tool, and the ZIP's
		// CRC-32 covers every byte of each.
		fw, err := z.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Store})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return z.Close()
}

// PackReport is what VerifyPack found to hold.
type PackReport struct {
	TreeSize  int64
	Events    int
	Documents int
}

// VerifyPack checks an evidence pack offline: the checkpoint's signature under v, every
// event's inclusion proof against it, every document's bytes against its name and that
// some proven event names that hash, and that the payload names only documents of the pack.
func VerifyPack(r io.ReaderAt, size int64, v note.Verifier) (PackReport, error) {
	var rep PackReport
	z, err := zip.NewReader(r, size)
	if err != nil {
		return rep, fmt.Errorf("evidence pack: %w", err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		b, err := readZipped(f)
		if err != nil {
			return rep, fmt.Errorf("evidence pack: %s: %w", f.Name, err)
		}
		files[f.Name] = b
	}
	c, err := OpenCheckpoint(files[packCheckpoint], v)
	if err != nil {
		return rep, fmt.Errorf("evidence pack: %w", err)
	}
	rep.TreeSize = c.Size
	named, err := checkPackEvents(files[packEvents], c, &rep)
	if err != nil {
		return rep, err
	}
	for name, b := range files {
		hash, isDoc := strings.CutPrefix(name, packDocuments)
		if !isDoc {
			continue
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != hash {
			return rep, fmt.Errorf("evidence pack: %s: its bytes do not match its name", name)
		}
		if !named[hash] {
			return rep, fmt.Errorf("evidence pack: %s: no proven event names this document", name)
		}
		rep.Documents++
	}
	return rep, checkPayload(files, named)
}

func readZipped(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 64<<20)) // the ZIP's CRC is checked at EOF
}

// checkPackEvents checks each line's proof and returns the document hashes the proven
// events name.
func checkPackEvents(events []byte, c Checkpoint, rep *PackReport) (map[string]bool, error) {
	named := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(events))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var p Proof
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("evidence pack: event line %d: %w", rep.Events+1, err)
		}
		if err := p.Check(c); err != nil {
			return nil, fmt.Errorf("evidence pack: %w", err)
		}
		for _, h := range documentHashes(p.Record) {
			named[h] = true
		}
		rep.Events++
	}
	if rep.Events == 0 {
		return nil, errors.New("evidence pack: no events")
	}
	return named, sc.Err()
}

// documentHashes are the "sha256" values of a record's after, where document events keep
// the hash of the document's bytes.
func documentHashes(record []byte) []string {
	var fields []json.RawMessage
	if json.Unmarshal(record, &fields) != nil || len(fields) < 14 {
		return nil
	}
	var after struct {
		SHA256 string `json:"sha256"`
	}
	if json.Unmarshal(fields[13], &after) != nil || after.SHA256 == "" {
		return nil
	}
	return []string{after.SHA256}
}

// checkPayload: every document the payload names by hash is in the pack.
func checkPayload(files map[string][]byte, named map[string]bool) error {
	b, ok := files[packPayload]
	if !ok {
		return nil
	}
	var payload struct {
		Documents map[string]string `json:"documents"` // kind → sha256
	}
	if err := json.Unmarshal(b, &payload); err != nil {
		return fmt.Errorf("evidence pack: %s: %w", packPayload, err)
	}
	for kind, hash := range payload.Documents {
		if _, ok := files[packDocuments+hash]; !ok || !named[hash] {
			return fmt.Errorf("evidence pack: %s: document %s (%s) is not a proven document of the pack",
				packPayload, kind, hash)
		}
	}
	return nil
}
