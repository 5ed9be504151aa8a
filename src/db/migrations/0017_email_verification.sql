-- When the account's address was proven to belong to its user. Every account made before this, and
-- every account staff or the platform create, is verified by construction (the default); a customer's
-- own sign-up inserts NULL until they follow the emailed link.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz DEFAULT now();

-- Single-use, short-lived tokens sent by email (address verification now; invitations and password
-- resets later). Only a SHA-256 of the token is stored: a leaked table hands out nothing.
CREATE TABLE account_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  user_id uuid NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('verify-email')),
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX account_tokens_user_purpose_idx ON account_tokens (clinic_id, user_id, purpose, created_at DESC);

SELECT enable_tenant_rls(ARRAY['account_tokens']);
GRANT SELECT, INSERT, UPDATE ON account_tokens TO bwai_app;

-- Whoever holds the token is not signed in and names no clinic: this spends a live token in one
-- statement (so it works exactly once, even for two clicks at the same instant) and says whose it was.
CREATE FUNCTION redeem_account_token(p_token_hash bytea, p_purpose text)
RETURNS TABLE (user_id uuid, clinic_id uuid)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  UPDATE account_tokens t SET used_at = now()
  WHERE t.token_hash = p_token_hash AND t.purpose = p_purpose AND t.used_at IS NULL AND t.expires_at > now()
  RETURNING t.user_id, t.clinic_id
$$;
REVOKE ALL ON FUNCTION redeem_account_token(bytea, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION redeem_account_token(bytea, text) TO bwai_app;
