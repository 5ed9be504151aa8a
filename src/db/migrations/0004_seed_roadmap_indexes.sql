-- migrate:no-transaction
-- CONCURRENTLY cannot run inside a transaction; on a live database it builds without locking writes.
CREATE INDEX CONCURRENTLY IF NOT EXISTS feature_flags_clinic_id_feature_key_idx ON feature_flags (clinic_id, feature_key) INCLUDE (enabled, rollout_percent);
