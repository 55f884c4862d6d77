-- +goose Up
-- The name search lists the drafts of one name part newest first (ORDER BY part,
-- draft_id DESC). With the ids ascending in both of its indexes, a part that many drafts
-- share (a common surname in a branch) was read whole and sorted before the first page;
-- in the search's own order the scan stops at the page (docs/search.md). The key moves to
-- (draft_id, part), which also serves the trigger's and the cascade's delete by draft, so
-- the index on draft_id alone goes.
ALTER TABLE draft_name_parts DROP CONSTRAINT draft_name_parts_pkey;
ALTER TABLE draft_name_parts ADD PRIMARY KEY (draft_id, part);
DROP INDEX draft_name_parts_draft;
CREATE INDEX draft_name_parts_branch ON draft_name_parts (branch, part, draft_id DESC);
DROP INDEX draft_name_parts_part;
CREATE INDEX draft_name_parts_part ON draft_name_parts (part, draft_id DESC);

-- +goose Down
DROP INDEX draft_name_parts_part;
CREATE INDEX draft_name_parts_part ON draft_name_parts (part, draft_id);
DROP INDEX draft_name_parts_branch;
CREATE INDEX draft_name_parts_draft ON draft_name_parts (draft_id);
ALTER TABLE draft_name_parts DROP CONSTRAINT draft_name_parts_pkey;
ALTER TABLE draft_name_parts ADD PRIMARY KEY (branch, part, draft_id);
