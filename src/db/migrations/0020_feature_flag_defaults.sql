-- A flag's platform-wide state: on or off, and for what share of clinics (each clinic's place in the share
-- is a stable hash of flag key and clinic id). A clinic's own feature_flags row overrides it. Platform data,
-- not tenant data: every clinic's requests read it, only the platform role changes it.
CREATE TABLE feature_flag_defaults (
  feature_key text PRIMARY KEY CHECK (feature_key ~ '^[a-z][a-z0-9_.-]{1,63}$'),
  enabled boolean NOT NULL,
  rollout_percent integer NOT NULL CHECK (rollout_percent BETWEEN 0 AND 100),
  updated_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT ON feature_flag_defaults TO bwai_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON feature_flag_defaults TO bwai_platform;
