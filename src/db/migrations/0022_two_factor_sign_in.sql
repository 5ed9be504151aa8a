-- TOTP two-factor sign-in (RFC 6238). The secret is set at enrolment and counts once the first code
-- confirms it (totp_enabled_at). totp_last_step is the time step of the last code accepted: a code is
-- taken once, so one seen over a shoulder cannot be replayed. Recovery codes are kept as SHA-256
-- hashes and each is removed when used.
ALTER TABLE users
  ADD COLUMN totp_secret bytea,
  ADD COLUMN totp_enabled_at timestamptz,
  ADD COLUMN totp_last_step bigint,
  ADD COLUMN totp_recovery_hashes bytea[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT users_totp_enabled_has_secret CHECK (totp_enabled_at IS NULL OR totp_secret IS NOT NULL);

-- The second step of a sign-in holds only the challenge token: whose it is, and their role, without
-- spending it (a mistyped code must not send the user back to the password).
CREATE FUNCTION account_token_owner(p_token_hash bytea, p_purpose text)
RETURNS TABLE (user_id uuid, clinic_id uuid, role text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.user_id, t.clinic_id, u.role FROM account_tokens t JOIN users u ON u.id = t.user_id
  WHERE t.token_hash = p_token_hash AND t.purpose = p_purpose AND t.used_at IS NULL AND t.expires_at > now()
$$;
REVOKE ALL ON FUNCTION account_token_owner(bytea, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION account_token_owner(bytea, text) TO bwai_app;
-- A super admin's own row is reached through the platform role, and the challenge is spent in the
-- same transaction as the code.
GRANT EXECUTE ON FUNCTION redeem_account_token(bytea, text) TO bwai_platform;
