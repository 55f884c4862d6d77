-- +goose Up
-- Envelope encryption of documents (docs/drafts.md): each blob is encrypted under its own
-- data key; the data key is kept here wrapped by a key-encryption key, named by kek_id, so
-- that a new key-encryption key re-wraps these rows and never touches the blobs.
CREATE TABLE document_keys (
    blob_key text PRIMARY KEY,
    kek_id   text NOT NULL,
    wrapped  bytea NOT NULL
);
CREATE INDEX document_keys_kek ON document_keys (kek_id);

-- The orphan sweeper asks whether any document names a key.
CREATE INDEX draft_documents_blob_key ON draft_documents (blob_key);
CREATE INDEX draft_documents_thumb_key ON draft_documents (thumb_key) WHERE thumb_key IS NOT NULL;

-- +goose Down
DROP INDEX draft_documents_thumb_key;
DROP INDEX draft_documents_blob_key;
DROP TABLE document_keys;
