-- +goose Up
-- An onboarding draft: the values an agent typed, under the pack version it started with.
-- values holds field name -> value; field_versions holds field name -> the draft version
-- that last changed it, so that a save from a stale page is refused only for the fields
-- someone else changed meanwhile.
CREATE TABLE drafts (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country        text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    pack_version   integer NOT NULL CHECK (pack_version > 0),
    id_type        text NOT NULL CHECK (length(id_type) BETWEEN 1 AND 3),
    id_number      text NOT NULL CHECK (id_number ~ '^[A-Z0-9]{1,30}$'),
    issued_country text NOT NULL CHECK (issued_country ~ '^[A-Z]{2}$'),
    branch         text NOT NULL,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'discarded', 'submitted')),
    values         jsonb NOT NULL DEFAULT '{}',
    field_versions jsonb NOT NULL DEFAULT '{}',
    version        integer NOT NULL DEFAULT 1,
    created_by     bigint NOT NULL REFERENCES users (id),
    updated_by     bigint NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    discarded_at   timestamptz,
    discard_reason text,
    CHECK ((status = 'discarded') = (discarded_at IS NOT NULL AND discard_reason IS NOT NULL))
);
CREATE INDEX drafts_identity ON drafts (issued_country, id_type, id_number);
CREATE INDEX drafts_created_by ON drafts (created_by, updated_at DESC) WHERE status = 'open';

-- Document bytes, kept in the database by default (store.PGBlobs) so that they commit with
-- the draft; another BlobStore may keep them elsewhere under the same keys.
CREATE TABLE blobs (
    key        text PRIMARY KEY,
    data       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Every upload of a draft; a replaced or removed one keeps its row with removed_at set.
CREATE TABLE draft_documents (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draft_id       bigint NOT NULL REFERENCES drafts (id),
    kind           text NOT NULL CHECK (kind IN ('id_front', 'id_back', 'face', 'ekyc_report')),
    content_type   text NOT NULL CHECK (content_type IN ('image/jpeg', 'application/pdf')),
    blob_key       text NOT NULL,
    thumb_key      text,
    size_bytes     integer NOT NULL,
    width          integer NOT NULL DEFAULT 0,
    height         integer NOT NULL DEFAULT 0,
    sha256         bytea NOT NULL,
    warnings       text[] NOT NULL DEFAULT '{}',
    warning_reason text,
    uploaded_by    bigint NOT NULL REFERENCES users (id),
    uploaded_at    timestamptz NOT NULL,
    removed_at     timestamptz,
    removed_by     bigint REFERENCES users (id)
);
CREATE UNIQUE INDEX draft_documents_current ON draft_documents (draft_id, kind) WHERE removed_at IS NULL;

-- +goose Down
DROP TABLE draft_documents;
DROP TABLE blobs;
DROP TABLE drafts;
