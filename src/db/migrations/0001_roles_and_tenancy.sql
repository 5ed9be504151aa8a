-- The application connects as bwai_app: not the owner of any table and not a superuser, so
-- row-level security always applies to it. NOINHERIT matters: bwai_app may take the platform
-- role with SET LOCAL ROLE (the audited super-admin path) but never holds its rights implicitly.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bwai_app') THEN
    CREATE ROLE bwai_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bwai_platform') THEN
    CREATE ROLE bwai_platform NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
$$;
GRANT bwai_platform TO bwai_app;
GRANT USAGE ON SCHEMA public TO bwai_app, bwai_platform;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Wrapped in functions marked STABLE and called through a sub-select in every policy, so
-- Postgres evaluates them once per query (an InitPlan), not once per row.
CREATE FUNCTION current_clinic_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.clinic_id', true), '')::uuid $$;
CREATE FUNCTION current_user_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE TABLE subscription_tiers (
  key text PRIMARY KEY CHECK (key IN ('starter', 'professional', 'enterprise')),
  name text NOT NULL,
  max_users integer CHECK (max_users > 0),
  monthly_analyses integer CHECK (monthly_analyses >= 0),
  storage_bytes bigint CHECK (storage_bytes >= 0),
  api_requests_per_minute integer NOT NULL CHECK (api_requests_per_minute > 0),
  sort_order integer NOT NULL
);
-- NULL means unlimited.
INSERT INTO subscription_tiers (key, name, max_users, monthly_analyses, storage_bytes, api_requests_per_minute, sort_order) VALUES
  ('starter', 'Starter', 5, 100, 5::bigint * 1024 * 1024 * 1024, 300, 1),
  ('professional', 'Professional', 20, 500, 50::bigint * 1024 * 1024 * 1024, 1500, 2),
  ('enterprise', 'Enterprise', NULL, NULL, 500::bigint * 1024 * 1024 * 1024, 6000, 3);

CREATE TABLE clinics (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  tier text NOT NULL REFERENCES subscription_tiers (key),
  status text NOT NULL DEFAULT 'trial' CHECK (status IN ('active', 'trial', 'suspended', 'cancelled')),
  is_active boolean GENERATED ALWAYS AS (status IN ('active', 'trial')) STORED,
  settings jsonb NOT NULL DEFAULT '{}',
  -- Per-clinic overrides of the tier's limits, set by a super admin (same keys as subscription_tiers).
  quota_overrides jsonb NOT NULL DEFAULT '{}',
  time_zone text NOT NULL DEFAULT 'Asia/Bangkok',
  locale text NOT NULL DEFAULT 'th' CHECK (locale IN ('en', 'th', 'zh')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clinics_is_active_created_at_idx ON clinics (is_active, created_at);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid REFERENCES clinics (id),
  email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('super_admin', 'clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist', 'customer')),
  full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
  phone text,
  locale text NOT NULL DEFAULT 'th' CHECK (locale IN ('en', 'th', 'zh')),
  last_sign_in_at timestamptz,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_clinic_matches_role CHECK ((role = 'super_admin') = (clinic_id IS NULL))
);
-- Emails are stored lower-cased (checked above), so a plain unique index is case-insensitive.
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_clinic_id_role_idx ON users (clinic_id, role);

CREATE TABLE customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  user_id uuid UNIQUE REFERENCES users (id),
  full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
  email text CHECK (email = lower(email)),
  phone text,
  date_of_birth date,
  notes text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_clinic_id_created_at_idx ON customers (clinic_id, created_at DESC, id DESC);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- sha-256 of the opaque cookie token: a leaked table does not hand out sessions.
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  ip inet,
  user_agent text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE feature_flags (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  feature_key text NOT NULL CHECK (feature_key ~ '^[a-z][a-z0-9_.-]{1,63}$'),
  enabled boolean NOT NULL DEFAULT false,
  rollout_percent integer NOT NULL DEFAULT 100 CHECK (rollout_percent BETWEEN 0 AND 100),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT feature_flags_clinic_id_feature_key_key UNIQUE (clinic_id, feature_key)
);
