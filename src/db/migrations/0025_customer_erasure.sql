-- A customer's request to be forgotten (Thai PDPA / GDPR), and its confirmation by the clinic. The row
-- outlives the customer: once erased, customer_id is cleared and only the dates and the staff member
-- who confirmed remain, which is what the clinic must be able to show.
CREATE TABLE erasure_requests (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  customer_id uuid,
  requested_at timestamptz NOT NULL DEFAULT now(),
  erased_at timestamptz,
  erased_by_user_id uuid,
  -- The clinic first in every key, as in every clinic's table: the schema can be distributed by clinic.
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, customer_id) REFERENCES customers (clinic_id, id) ON DELETE SET NULL (customer_id)
);
-- One open request per customer: asking twice is the same request.
CREATE UNIQUE INDEX erasure_requests_open_key ON erasure_requests (clinic_id, customer_id) WHERE erased_at IS NULL;
CREATE INDEX erasure_requests_clinic_requested_idx ON erasure_requests (clinic_id, requested_at DESC);
SELECT enable_tenant_rls(ARRAY['erasure_requests']);
GRANT SELECT, INSERT, UPDATE ON erasure_requests TO bwai_app;

-- Appointments the clinic keeps for its accounts after an erasure: date, treatment and price, linked to nobody.
ALTER TABLE appointments ALTER COLUMN customer_id DROP NOT NULL;

-- Erasure removes the customer's analyses, consents and notifications outright.
GRANT DELETE ON skin_analyses, analysis_consents, notifications TO bwai_app;

-- A failed sign-in records the address typed; once that address's owner is erased the entry keeps the
-- fact of the attempt but not the address. Audit entries are otherwise append-only for the app role.
-- Rare (one call per erasure), so a scan of the failed sign-ins is acceptable.
CREATE FUNCTION forget_email_in_audit_log(p_email text) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH scrubbed AS (
    UPDATE audit_logs SET metadata = metadata - 'email'
    WHERE action = 'auth.sign_in_failed' AND metadata->>'email' = lower(p_email)
    RETURNING 1
  )
  SELECT count(*)::integer FROM scrubbed
$$;
REVOKE ALL ON FUNCTION forget_email_in_audit_log(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION forget_email_in_audit_log(text) TO bwai_app;
