-- +goose Up
-- The AML alert closure callback's evidenced payload carries no alert id (docs/cdp.md):
-- replays are recognised by a hash of the signed timestamp and the body instead. An alert
-- id, when the CDP sends one, is still applied once.
ALTER TABLE cdp_alert_closures DROP CONSTRAINT cdp_alert_closures_pkey;
ALTER TABLE cdp_alert_closures ALTER COLUMN alert_id DROP NOT NULL;
ALTER TABLE cdp_alert_closures ADD COLUMN replay_key text;
UPDATE cdp_alert_closures SET replay_key = 'alert:' || alert_id;
ALTER TABLE cdp_alert_closures ALTER COLUMN replay_key SET NOT NULL;
ALTER TABLE cdp_alert_closures ADD PRIMARY KEY (replay_key);
CREATE UNIQUE INDEX cdp_alert_closures_alert_id ON cdp_alert_closures (alert_id) WHERE alert_id IS NOT NULL;

-- +goose Down
DELETE FROM cdp_alert_closures WHERE alert_id IS NULL;
DROP INDEX cdp_alert_closures_alert_id;
ALTER TABLE cdp_alert_closures DROP CONSTRAINT cdp_alert_closures_pkey;
ALTER TABLE cdp_alert_closures DROP COLUMN replay_key;
ALTER TABLE cdp_alert_closures ALTER COLUMN alert_id SET NOT NULL;
ALTER TABLE cdp_alert_closures ADD PRIMARY KEY (alert_id);
