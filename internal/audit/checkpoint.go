package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Origin names this log in its checkpoints: the first line of every one.
const Origin = "kycportal/audit"

// KeyName names the signing key in the signed notes.
const KeyName = "kycportal-audit"

// Key signs checkpoints and checks them: an Ed25519 key in the signed-note encoding of
// golang.org/x/mod/sumdb/note ("PRIVATE+KEY+name+hash+key").
type Key struct {
	signer   note.Signer
	verifier note.Verifier
	public   string
}

// NewKey generates a key; Private gives its encoding to keep.
func NewKey() (private string, err error) {
	private, _, err = note.GenerateKey(rand.Reader, KeyName)
	return private, err
}

// ParseKey reads a private key in the note encoding.
func ParseKey(private string) (*Key, error) {
	s, err := note.NewSigner(strings.TrimSpace(private))
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	public, err := publicOf(strings.TrimSpace(private))
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	v, err := note.NewVerifier(public)
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	return &Key{signer: s, verifier: v, public: public}, nil
}

// publicOf derives the verifier key ("name+hash+key") from a private one, which
// note.NewSigner has already checked.
func publicOf(private string) (string, error) {
	parts := strings.SplitN(private, "+", 5)
	if len(parts) != 5 {
		return "", errors.New("malformed key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize {
		return "", errors.New("malformed key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}

// Verifier checks checkpoints signed with this key.
func (k *Key) Verifier() note.Verifier { return k.verifier }

// Public is the verifier key to hand to auditors: "kycportal-audit+hash+key".
func (k *Key) Public() string { return k.public }

// PublicVerifier checks checkpoints with the public key only: what an auditor holds.
func PublicVerifier(public string) (note.Verifier, error) {
	v, err := note.NewVerifier(strings.TrimSpace(public))
	if err != nil {
		return nil, fmt.Errorf("audit public key: %w", err)
	}
	return v, nil
}

// Checkpoint is a signed statement of the tree: its size and root hash.
type Checkpoint struct {
	Size int64
	Root tlog.Hash
	Note []byte // the signed note, as served and kept by witnesses
}

// checkpointText is the note's text (the transparency-log checkpoint format): origin,
// size, base64 root hash, one per line.
func checkpointText(size int64, root tlog.Hash) string {
	return fmt.Sprintf("%s\n%d\n%s\n", Origin, size, base64.StdEncoding.EncodeToString(root[:]))
}

// sign makes the checkpoint of a tree.
func (k *Key) sign(size int64, root tlog.Hash) (Checkpoint, error) {
	msg, err := note.Sign(&note.Note{Text: checkpointText(size, root)}, k.signer)
	if err != nil {
		return Checkpoint{}, err
	}
	return Checkpoint{Size: size, Root: root, Note: msg}, nil
}

// OpenCheckpoint checks a signed checkpoint against the verifier key and reads it.
func OpenCheckpoint(msg []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) != 4 || lines[0] != Origin || lines[3] != "" {
		return Checkpoint{}, errors.New("checkpoint: not a checkpoint of " + Origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size <= 0 {
		return Checkpoint{}, errors.New("checkpoint: bad tree size")
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return Checkpoint{}, errors.New("checkpoint: bad root hash")
	}
	c := Checkpoint{Size: size, Note: msg}
	copy(c.Root[:], raw)
	return c, nil
}

// ErrNoCheckpoint: nothing has been sealed yet.
var ErrNoCheckpoint = errors.New("no checkpoint yet")

// LatestCheckpoint reads the newest checkpoint as stored (unchecked: Verify checks it).
func LatestCheckpoint(ctx context.Context, q Querier) (Checkpoint, error) {
	var c Checkpoint
	var root []byte
	var text string
	err := q.QueryRow(ctx, `SELECT tree_size, root_hash, note FROM audit_checkpoints
		ORDER BY tree_size DESC LIMIT 1`).Scan(&c.Size, &root, &text)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrNoCheckpoint
	}
	if err != nil {
		return c, fmt.Errorf("audit.LatestCheckpoint: %w", err)
	}
	copy(c.Root[:], root)
	c.Note = []byte(text)
	return c, nil
}

// saveCheckpoint keeps a checkpoint; its tree size is its key, so two sealers can never
// both sign one size.
func saveCheckpoint(ctx context.Context, tx pgx.Tx, c Checkpoint, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_checkpoints (tree_size, root_hash, note, signed_at)
		VALUES ($1, $2, $3, $4)`, c.Size, c.Root[:], string(c.Note), at)
	return err
}

// sameRoot compares a stored root with a computed one.
func sameRoot(a tlog.Hash, b []byte) bool { return bytes.Equal(a[:], b) }
