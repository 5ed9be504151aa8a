-- migrate:no-transaction
-- Trigram indexes make "contains" searches by name, phone or email fast on 100k+ customers.
CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_full_name_trgm_idx ON customers USING gin (full_name gin_trgm_ops);
CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_phone_trgm_idx ON customers USING gin (phone gin_trgm_ops);
CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_email_trgm_idx ON customers USING gin (email gin_trgm_ops);
