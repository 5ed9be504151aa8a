-- The role that runs the migrations owns every table and works across clinics: the SECURITY DEFINER
-- lookups (sign-in, sessions, customer search) run as it, and so do seeding, the audit partitions and
-- the job queue's connection. A superuser bypasses row-level security, but on managed PostgreSQL the
-- owner is not one, and FORCE ROW LEVEL SECURITY would hide every row from it. Each RLS table gets a
-- policy for its owner alone; bwai_app is not a member of the owner role, so tenant sessions keep
-- exactly the policies they had.
DO $$
DECLARE
  t regclass;
BEGIN
  FOR t IN
    SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relrowsecurity AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  LOOP
    EXECUTE format('CREATE POLICY %I ON %s TO %I USING (true) WITH CHECK (true)', t::text || '_owner', t, current_user);
  END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION enable_tenant_rls(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY tables LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I TO bwai_app USING (clinic_id = (SELECT current_clinic_id()))', t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO bwai_platform USING (true)', t || '_platform_read', t);
    EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
    EXECUTE format('GRANT SELECT ON %I TO bwai_platform', t);
  END LOOP;
END
$$;
