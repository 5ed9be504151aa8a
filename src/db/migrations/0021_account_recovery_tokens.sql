-- The emailed-token table of 0017 serves every account link: password resets and staff invitations
-- join address verification, and the pending second step of a two-factor sign-in lives there too.
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
  CHECK (purpose IN ('verify-email', 'reset-password', 'invitation', 'sign-in-challenge'));

-- A super admin belongs to no clinic, and their sign-in challenge is a token too. The composite key
-- cannot check a row without a clinic (MATCH SIMPLE skips it), so the user is referenced on its own.
ALTER TABLE account_tokens ALTER COLUMN clinic_id DROP NOT NULL;
ALTER TABLE account_tokens ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
-- One policy (a second permissive one would be ORed in and cost plans, as 0015 explains): a clinic's
-- tokens to that clinic, a clinic-less user's to that user alone.
DROP POLICY account_tokens_tenant ON account_tokens;
CREATE POLICY account_tokens_tenant ON account_tokens TO bwai_app
  USING (clinic_id = (SELECT current_clinic_id()) OR (clinic_id IS NULL AND user_id = (SELECT current_user_id())));

-- Lookups name the user (unique across clinics) and the clinic, which may now be NULL.
DROP INDEX account_tokens_user_purpose_idx;
CREATE INDEX account_tokens_user_purpose_idx ON account_tokens (user_id, purpose, created_at DESC);

-- Sign-in reads the account before any tenant is known; it now also needs the user's locale for a
-- reset email. Same definer rules as 0003.
CREATE FUNCTION auth_account_recovery_by_email(p_email text)
RETURNS TABLE (user_id uuid, clinic_id uuid, role text, locale text, email text, full_name text, disabled boolean, clinic_active boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT u.id, u.clinic_id, u.role, u.locale, u.email, u.full_name, u.disabled_at IS NOT NULL, coalesce(c.is_active, true)
  FROM users u LEFT JOIN clinics c ON c.id = u.clinic_id
  WHERE u.email = lower(p_email)
$$;
REVOKE ALL ON FUNCTION auth_account_recovery_by_email(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_account_recovery_by_email(text) TO bwai_app;
