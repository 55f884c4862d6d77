-- +goose Up
-- The e-KYC confirmation report is a document of its own beside the verification report:
-- each goes to the CDP under its own master-data code (docs/cdp.md).
ALTER TABLE draft_documents DROP CONSTRAINT draft_documents_kind_check;
ALTER TABLE draft_documents ADD CONSTRAINT draft_documents_kind_check
    CHECK (kind IN ('id_front', 'id_back', 'face', 'ekyc_report', 'ekyc_confirmation'));

-- +goose Down
DELETE FROM draft_documents WHERE kind = 'ekyc_confirmation';
ALTER TABLE draft_documents DROP CONSTRAINT draft_documents_kind_check;
ALTER TABLE draft_documents ADD CONSTRAINT draft_documents_kind_check
    CHECK (kind IN ('id_front', 'id_back', 'face', 'ekyc_report'));
