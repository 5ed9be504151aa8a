-- migrate:no-transaction
-- The System page counts analyses that ended in the last minutes, every few seconds while it is open.
-- Completed ones come from skin_analyses_completed_finished_at_idx; rejected and failed ones (few)
-- from this index rather than from a scan of every analysis ever made.
CREATE INDEX CONCURRENTLY IF NOT EXISTS skin_analyses_unsuccessful_finished_at_idx ON skin_analyses (finished_at) WHERE status IN ('rejected', 'failed');
