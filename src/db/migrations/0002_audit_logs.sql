-- Partitioned by month so old months can be detached or dropped whole, and time-bounded reads
-- touch only the months they ask for.
CREATE SEQUENCE audit_logs_id_seq AS bigint;
CREATE TABLE audit_logs (
  id bigint NOT NULL DEFAULT nextval('audit_logs_id_seq'),
  created_at timestamptz NOT NULL DEFAULT now(),
  clinic_id uuid,
  actor_user_id uuid,
  actor_role text,
  action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]*$'),
  target_type text,
  target_id text,
  ip inet,
  user_agent text,
  metadata jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (created_at, id)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE audit_logs_id_seq OWNED BY audit_logs.id;
CREATE INDEX audit_logs_created_at_idx ON audit_logs (created_at DESC);
CREATE INDEX audit_logs_clinic_id_created_at_idx ON audit_logs (clinic_id, created_at DESC);

-- Creates the monthly partitions from last month up to `months_ahead` months after this one.
-- Idempotent; run at every start-up and daily by the audit-partitions job.
CREATE FUNCTION ensure_audit_partitions(months_ahead integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  month_start date;
  partition_name text;
  created integer := 0;
BEGIN
  FOR i IN -1..months_ahead LOOP
    month_start := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date;
    partition_name := format('audit_logs_%s', to_char(month_start, 'YYYY_MM'));
    IF to_regclass(partition_name) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF audit_logs FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start::timestamp AT TIME ZONE 'UTC',
        (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC');
      -- Partitions are reached only through the parent, whose policies apply; direct access is closed.
      EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', partition_name);
      EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', partition_name);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END
$$;
REVOKE ALL ON FUNCTION ensure_audit_partitions(integer) FROM PUBLIC;
SELECT ensure_audit_partitions(3);
