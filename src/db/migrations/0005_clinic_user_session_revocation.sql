-- Disabling a user must end their sessions at once, but a session row is visible only to its own
-- user (policy sessions_self), and opening the table to a clinic-wide read would hand staff the
-- token hashes of their colleagues. This function does the one thing needed: an owner or admin
-- revokes the live sessions of one user of their own clinic. Anything else revokes nothing.
CREATE FUNCTION revoke_clinic_user_sessions(p_user_id uuid) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH revoked AS (
    UPDATE sessions s SET revoked_at = now()
    FROM users u
    WHERE u.id = p_user_id
      AND s.user_id = u.id
      AND s.revoked_at IS NULL
      AND u.clinic_id = current_clinic_id()
      AND current_setting('app.role', true) IN ('clinic_owner', 'clinic_admin')
    RETURNING s.id
  )
  SELECT count(*)::integer FROM revoked
$$;
REVOKE ALL ON FUNCTION revoke_clinic_user_sessions(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION revoke_clinic_user_sessions(uuid) TO bwai_app;
