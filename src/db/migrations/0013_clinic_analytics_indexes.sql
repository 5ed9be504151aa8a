-- migrate:no-transaction
-- Clinic performance across all clinics reads a period of appointments for every clinic at once. The
-- (clinic_id, starts_at) index cannot serve a starts_at range over all clinics (no skip scan before
-- PostgreSQL 18), and the rows are needed only for their clinic, status and price: covered here, the
-- period is one index-only range scan instead of a scan of the whole table.
CREATE INDEX CONCURRENTLY IF NOT EXISTS appointments_starts_at_covering_idx ON appointments (starts_at) INCLUDE (clinic_id, status, price_satang);
-- A clinic's last booking or change of one: one index probe per clinic instead of reading its history.
CREATE INDEX CONCURRENTLY IF NOT EXISTS appointments_clinic_id_updated_at_idx ON appointments (clinic_id, updated_at);
-- Analyses completed in a period, by clinic; queued and failed ones are never counted, so they stay out.
CREATE INDEX CONCURRENTLY IF NOT EXISTS skin_analyses_completed_finished_at_idx ON skin_analyses (finished_at) INCLUDE (clinic_id) WHERE status = 'completed';
