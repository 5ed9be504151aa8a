-- Consent to processing of face images, with the version of the text the customer agreed to.
CREATE TABLE analysis_consents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  text_version text NOT NULL,
  locale text NOT NULL CHECK (locale IN ('en', 'th', 'zh')),
  recorded_by_user_id uuid NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  withdrawn_at timestamptz,
  ip inet,
  FOREIGN KEY (clinic_id, customer_id) REFERENCES customers (clinic_id, id)
);
CREATE INDEX analysis_consents_customer_idx ON analysis_consents (clinic_id, customer_id) WHERE withdrawn_at IS NULL;

CREATE TABLE skin_analyses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  requested_by_user_id uuid NOT NULL,
  provider text NOT NULL CHECK (provider IN ('local', 'openai')),
  -- queued → quality_check → analysing → completed; rejected (quality gate) and failed end it early.
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'quality_check', 'analysing', 'completed', 'rejected', 'failed')),
  progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  photo_sha256 text NOT NULL CHECK (photo_sha256 ~ '^[0-9a-f]{64}$'),
  photo_format text NOT NULL,
  stored_bytes bigint NOT NULL CHECK (stored_bytes >= 0),
  width integer NOT NULL,
  height integer NOT NULL,
  working_width integer NOT NULL,
  working_height integer NOT NULL,
  quality jsonb,
  result jsonb,
  heatmap_concerns text[] NOT NULL DEFAULT '{}',
  overall_score integer CHECK (overall_score BETWEEN 1 AND 100),
  failure_code text,
  failure_reason text,
  -- The month (clinic time zone) whose quota this analysis took; released when the quality gate rejects it.
  quota_month text NOT NULL,
  counts_toward_quota boolean NOT NULL DEFAULT true,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  FOREIGN KEY (clinic_id, customer_id) REFERENCES customers (clinic_id, id),
  CONSTRAINT skin_analyses_clinic_id_id_key UNIQUE (clinic_id, id)
);
CREATE INDEX skin_analyses_customer_created_idx ON skin_analyses (clinic_id, customer_id, created_at DESC, id DESC);
CREATE INDEX skin_analyses_clinic_created_idx ON skin_analyses (clinic_id, created_at DESC, id DESC);
CREATE INDEX skin_analyses_clinic_status_idx ON skin_analyses (clinic_id, status) WHERE status IN ('queued', 'quality_check', 'analysing');

-- Per clinic and month: analyses taken. The conditional increment in one UPDATE is what makes the
-- quota exact under concurrency: two requests cannot both take the last unit.
CREATE TABLE clinic_analysis_usage (
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  month text NOT NULL CHECK (month ~ '^\d{4}-\d{2}$'),
  analyses_used integer NOT NULL DEFAULT 0 CHECK (analyses_used >= 0),
  PRIMARY KEY (clinic_id, month)
);

-- Bytes the clinic keeps in object storage, against its tier's storage quota.
CREATE TABLE clinic_storage_usage (
  clinic_id uuid PRIMARY KEY REFERENCES clinics (id),
  bytes_used bigint NOT NULL DEFAULT 0 CHECK (bytes_used >= 0)
);

SELECT enable_tenant_rls(ARRAY['analysis_consents', 'skin_analyses', 'clinic_analysis_usage', 'clinic_storage_usage']);
GRANT SELECT, INSERT, UPDATE ON analysis_consents, skin_analyses, clinic_analysis_usage, clinic_storage_usage TO bwai_app;
