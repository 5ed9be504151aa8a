-- Every table that carries tenant data has RLS enabled AND forced (forced: the owner is bound too).
-- Tenant policies compare with (SELECT current_clinic_id()) so the setting is read once per query.
-- A transaction without app.clinic_id sees no tenant rows: NULL never equals a clinic_id.

ALTER TABLE clinics ENABLE ROW LEVEL SECURITY;
ALTER TABLE clinics FORCE ROW LEVEL SECURITY;
CREATE POLICY clinics_tenant ON clinics TO bwai_app
  USING (id = (SELECT current_clinic_id()));
CREATE POLICY clinics_platform ON clinics TO bwai_platform USING (true) WITH CHECK (true);
GRANT SELECT, UPDATE (name, settings, time_zone, locale, updated_at) ON clinics TO bwai_app;
GRANT SELECT, INSERT, UPDATE ON clinics TO bwai_platform;

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_tenant ON users TO bwai_app
  USING (clinic_id = (SELECT current_clinic_id()));
-- A super admin has no clinic; this lets them read and update their own row.
CREATE POLICY users_self ON users TO bwai_app
  USING (id = (SELECT current_user_id()));
CREATE POLICY users_platform ON users TO bwai_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON users TO bwai_app, bwai_platform;

ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY customers_tenant ON customers TO bwai_app
  USING (clinic_id = (SELECT current_clinic_id()));
CREATE POLICY customers_platform ON customers TO bwai_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON customers TO bwai_app;
GRANT SELECT, INSERT, UPDATE ON customers TO bwai_platform;

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY sessions_self ON sessions TO bwai_app
  USING (user_id = (SELECT current_user_id()));
GRANT SELECT, INSERT, UPDATE ON sessions TO bwai_app;

ALTER TABLE feature_flags ENABLE ROW LEVEL SECURITY;
ALTER TABLE feature_flags FORCE ROW LEVEL SECURITY;
CREATE POLICY feature_flags_tenant ON feature_flags TO bwai_app
  USING (clinic_id = (SELECT current_clinic_id()));
CREATE POLICY feature_flags_platform ON feature_flags TO bwai_platform USING (true) WITH CHECK (true);
GRANT SELECT ON feature_flags TO bwai_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON feature_flags TO bwai_platform;

-- Append-only: neither role gets UPDATE or DELETE.
ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_logs FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_logs_tenant_read ON audit_logs FOR SELECT TO bwai_app
  USING (clinic_id = (SELECT current_clinic_id()));
CREATE POLICY audit_logs_tenant_write ON audit_logs FOR INSERT TO bwai_app
  WITH CHECK (clinic_id IS NULL OR clinic_id = (SELECT current_clinic_id()));
CREATE POLICY audit_logs_platform_read ON audit_logs FOR SELECT TO bwai_platform USING (true);
CREATE POLICY audit_logs_platform_write ON audit_logs FOR INSERT TO bwai_platform WITH CHECK (true);
GRANT SELECT, INSERT ON audit_logs TO bwai_app, bwai_platform;
GRANT USAGE ON SEQUENCE audit_logs_id_seq TO bwai_app, bwai_platform;

GRANT SELECT ON subscription_tiers TO bwai_app, bwai_platform;
GRANT UPDATE ON subscription_tiers TO bwai_platform;

-- Sign-in and session checks run before the tenant is known: these functions return exactly
-- what those checks need and nothing more, instead of opening the tables to an unscoped read.
CREATE FUNCTION auth_account_by_email(p_email text)
RETURNS TABLE (user_id uuid, clinic_id uuid, role text, password_hash text, disabled boolean, clinic_active boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT u.id, u.clinic_id, u.role, u.password_hash, u.disabled_at IS NOT NULL, coalesce(c.is_active, true)
  FROM users u LEFT JOIN clinics c ON c.id = u.clinic_id
  WHERE u.email = lower(p_email)
$$;

CREATE FUNCTION auth_session_by_token(p_token_hash bytea)
RETURNS TABLE (session_id uuid, user_id uuid, clinic_id uuid, role text, expires_at timestamptz, last_seen_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT s.id, u.id, u.clinic_id, u.role, s.expires_at, s.last_seen_at
  FROM sessions s
  JOIN users u ON u.id = s.user_id
  LEFT JOIN clinics c ON c.id = u.clinic_id
  WHERE s.token_hash = p_token_hash
    AND s.revoked_at IS NULL
    AND s.expires_at > now()
    AND u.disabled_at IS NULL
    AND coalesce(c.is_active, true)
$$;

CREATE FUNCTION public_clinic_by_slug(p_slug text)
RETURNS TABLE (id uuid, slug text, name text, is_active boolean, time_zone text, locale text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id, slug, name, is_active, time_zone, locale FROM clinics WHERE slug = lower(p_slug)
$$;

REVOKE ALL ON FUNCTION auth_account_by_email(text), auth_session_by_token(bytea), public_clinic_by_slug(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_account_by_email(text), auth_session_by_token(bytea), public_clinic_by_slug(text) TO bwai_app;
GRANT EXECUTE ON FUNCTION current_clinic_id(), current_user_id() TO bwai_app, bwai_platform;
