-- Per customer and month: analyses taken of the clinic's quota. Taken with the same conditional
-- increment as clinic_analysis_usage, in the same transaction, so one customer's allowance is exact
-- under concurrency too.
CREATE TABLE customer_analysis_usage (
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  customer_id uuid NOT NULL,
  month text NOT NULL CHECK (month ~ '^\d{4}-\d{2}$'),
  analyses_used integer NOT NULL DEFAULT 0 CHECK (analyses_used >= 0),
  PRIMARY KEY (clinic_id, customer_id, month),
  FOREIGN KEY (clinic_id, customer_id) REFERENCES customers (clinic_id, id) ON DELETE CASCADE
);

SELECT enable_tenant_rls(ARRAY['customer_analysis_usage']);
GRANT SELECT, INSERT, UPDATE ON customer_analysis_usage TO bwai_app;

