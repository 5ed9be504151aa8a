-- Clinic performance figures kept up to date by the writes that change them (triggers, in the writing
-- transaction), so the platform's analytics read a few rows per clinic instead of its appointments,
-- customers, staff and analyses.
--
-- clinic_running_totals: per clinic and clinic-local day, what happened on that day and on every day
-- before it, one row for each day from the clinic's first figure to its last (its furthest booking).
-- A period's figure is the row at its last day minus the row of the day before its first: two rows
-- per clinic whatever the period's length, found for all clinics by two scans of (day, clinic_id).
-- Measured on the seeded data set (a shared 2-core machine under load), before settling on this:
-- daily rows summed over the period are about 23,000 rows for 30 days and 200,000 for a year (27 ms
-- and 115 ms to aggregate); running totals kept only on days with activity need a backward probe per
-- clinic and day (2,000 probes, 13.5 ms of server CPU); rows for every day make them two range scans.
-- The price is paid on write: a change on a day adds to that day's row and to every later row of the
-- clinic (its booked future: a few dozen to a few hundred rows).
CREATE TABLE clinic_running_totals (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  day date NOT NULL,
  -- Appointments starting on or before the day, by their status now; revenue is the completed ones' prices.
  appointments integer NOT NULL,
  completed integer NOT NULL,
  cancelled integer NOT NULL,
  no_shows integer NOT NULL,
  revenue_satang bigint NOT NULL,
  -- Skin analyses completed (finished_at) on or before the day.
  analyses_completed integer NOT NULL,
  -- Customers added (created_at) on or before the day.
  new_customers integer NOT NULL,
  PRIMARY KEY (clinic_id, day)
);
-- A period's two days for every clinic at once.
CREATE INDEX clinic_running_totals_day_idx ON clinic_running_totals (day, clinic_id);

-- The clinic's figures as they are now, not of a period. Its row is also the lock that puts one
-- clinic's writers in order: two bookings extend the same later running totals, and without an order
-- the second could copy a row the first has not finished adding to. time_zone is the one the running
-- totals' days are in, read under that lock so a booking racing a time zone change lands on the
-- right day. first_day and last_day bound the clinic's running totals; the figures named as theirs
-- are the totals at last_day, which hold for every day after it too.
CREATE TABLE clinic_current_figures (
  clinic_id uuid PRIMARY KEY REFERENCES clinics (id) ON DELETE CASCADE,
  time_zone text NOT NULL,
  active_staff integer NOT NULL DEFAULT 0,
  customers integer NOT NULL DEFAULT 0,
  last_staff_sign_in_at timestamptz,
  last_customer_added_at timestamptz,
  last_appointment_change_at timestamptz,
  last_analysis_requested_at timestamptz,
  first_day date,
  last_day date,
  appointments integer NOT NULL DEFAULT 0,
  completed integer NOT NULL DEFAULT 0,
  cancelled integer NOT NULL DEFAULT 0,
  no_shows integer NOT NULL DEFAULT 0,
  revenue_satang bigint NOT NULL DEFAULT 0,
  analyses_completed integer NOT NULL DEFAULT 0,
  new_customers integer NOT NULL DEFAULT 0
);

SELECT enable_tenant_rls(ARRAY['clinic_running_totals', 'clinic_current_figures']);
-- Written only by the functions below, which run as the tables' owner whoever made the change.
GRANT SELECT ON clinic_running_totals, clinic_current_figures TO bwai_app;

-- One row's (or a sum of rows') contribution at an instant; the day is taken in the clinic's time zone
-- once its lock is held.
CREATE TYPE clinic_figure_change AS (
  clinic_id uuid,
  at timestamptz,
  appointments integer,
  completed integer,
  cancelled integer,
  no_shows integer,
  revenue_satang bigint,
  analyses_completed integer,
  new_customers integer
);

-- In clinic order, so two statements touching several clinics cannot wait on each other.
CREATE FUNCTION lock_clinic_figures(clinic_ids uuid[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM 1 FROM clinic_current_figures WHERE clinic_id = ANY (clinic_ids) ORDER BY clinic_id FOR UPDATE;
END
$$;

-- Adds changes to the running totals: the clinic's days first grow to cover the changed days (a new
-- day before the first starts at zero, one after the last at the totals so far), then every row on or
-- after a changed day takes that day's change.
CREATE FUNCTION add_to_clinic_running_totals(changes clinic_figure_change[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  -- The changes summed per clinic-local day, as rows of the table's shape.
  by_day clinic_running_totals[];
BEGIN
  IF coalesce(cardinality(changes), 0) = 0 THEN
    RETURN;
  END IF;
  PERFORM lock_clinic_figures(ARRAY(SELECT DISTINCT c.clinic_id FROM unnest(changes) c));

  -- Each statement below reads what committed before it: whatever the lock waited for is included.
  by_day := ARRAY(
    SELECT ROW(c.clinic_id, (c.at AT TIME ZONE f.time_zone)::date, sum(c.appointments), sum(c.completed), sum(c.cancelled),
               sum(c.no_shows), sum(c.revenue_satang), sum(c.analyses_completed), sum(c.new_customers))::clinic_running_totals
    FROM unnest(changes) c JOIN clinic_current_figures f ON f.clinic_id = c.clinic_id
    GROUP BY c.clinic_id, (c.at AT TIME ZONE f.time_zone)::date
    -- Moving within a day (a reschedule from 10:00 to 15:00) changes no total.
    HAVING sum(c.appointments) <> 0 OR sum(c.completed) <> 0 OR sum(c.cancelled) <> 0 OR sum(c.no_shows) <> 0
        OR sum(c.revenue_satang) <> 0 OR sum(c.analyses_completed) <> 0 OR sum(c.new_customers) <> 0
  );

  INSERT INTO clinic_running_totals
  SELECT f.clinic_id, n.day,
         CASE WHEN n.after_last THEN f.appointments ELSE 0 END, CASE WHEN n.after_last THEN f.completed ELSE 0 END,
         CASE WHEN n.after_last THEN f.cancelled ELSE 0 END, CASE WHEN n.after_last THEN f.no_shows ELSE 0 END,
         CASE WHEN n.after_last THEN f.revenue_satang ELSE 0 END, CASE WHEN n.after_last THEN f.analyses_completed ELSE 0 END,
         CASE WHEN n.after_last THEN f.new_customers ELSE 0 END
  FROM (SELECT d.clinic_id, min(d.day) AS lo, max(d.day) AS hi FROM unnest(by_day) d GROUP BY d.clinic_id) c
  JOIN clinic_current_figures f ON f.clinic_id = c.clinic_id
  CROSS JOIN LATERAL (
    -- No days yet: the changed span; else the days before the first and after the last (none when null).
    SELECT c.lo + i AS day, false AS after_last FROM generate_series(0, coalesce(f.first_day - 1, c.hi) - c.lo) i
    UNION ALL
    SELECT f.last_day + 1 + i, true FROM generate_series(0, c.hi - f.last_day - 1) i
  ) n;

  -- Each row on or after a changed day takes the sum of the changes on or before its day: one sort of
  -- the changes and those rows together, so a bulk insert over a clinic's whole history (a seeder)
  -- costs what a booking does per row, not per row times changed day.
  UPDATE clinic_running_totals r
  SET appointments = r.appointments + s.appointments, completed = r.completed + s.completed,
      cancelled = r.cancelled + s.cancelled, no_shows = r.no_shows + s.no_shows,
      revenue_satang = r.revenue_satang + s.revenue_satang, analyses_completed = r.analyses_completed + s.analyses_completed,
      new_customers = r.new_customers + s.new_customers
  FROM (
    SELECT m.clinic_id, m.day, m.is_row,
           sum(m.appointments) OVER w AS appointments, sum(m.completed) OVER w AS completed, sum(m.cancelled) OVER w AS cancelled,
           sum(m.no_shows) OVER w AS no_shows, sum(m.revenue_satang) OVER w AS revenue_satang,
           sum(m.analyses_completed) OVER w AS analyses_completed, sum(m.new_customers) OVER w AS new_customers
    FROM (
      SELECT d.clinic_id, d.day, false AS is_row, d.appointments, d.completed, d.cancelled, d.no_shows, d.revenue_satang,
             d.analyses_completed, d.new_customers
      FROM unnest(by_day) d
      UNION ALL
      SELECT later.clinic_id, later.day, true, 0, 0, 0, 0, 0, 0, 0
      FROM (SELECT d.clinic_id, min(d.day) AS first_day FROM unnest(by_day) d GROUP BY d.clinic_id) f
      JOIN clinic_running_totals later ON later.clinic_id = f.clinic_id AND later.day >= f.first_day
    ) m
    -- A day's change sorts before that day's row (false < true), so the row includes it.
    WINDOW w AS (PARTITION BY m.clinic_id ORDER BY m.day, m.is_row)
  ) s
  WHERE s.is_row AND r.clinic_id = s.clinic_id AND r.day = s.day;

  UPDATE clinic_current_figures f
  SET first_day = least(f.first_day, c.lo), last_day = greatest(f.last_day, c.hi),
      appointments = f.appointments + c.appointments, completed = f.completed + c.completed, cancelled = f.cancelled + c.cancelled,
      no_shows = f.no_shows + c.no_shows, revenue_satang = f.revenue_satang + c.revenue_satang,
      analyses_completed = f.analyses_completed + c.analyses_completed, new_customers = f.new_customers + c.new_customers
  FROM (
    SELECT d.clinic_id, min(d.day) AS lo, max(d.day) AS hi, sum(d.appointments) AS appointments, sum(d.completed) AS completed,
           sum(d.cancelled) AS cancelled, sum(d.no_shows) AS no_shows, sum(d.revenue_satang) AS revenue_satang,
           sum(d.analyses_completed) AS analyses_completed, sum(d.new_customers) AS new_customers
    FROM unnest(by_day) d GROUP BY d.clinic_id
  ) c
  WHERE f.clinic_id = c.clinic_id;
END
$$;

-- The figures of some clinics (null: every clinic) computed again from their rows: the backfill, and a
-- clinic whose time zone changed (its local days moved).
CREATE FUNCTION recompute_clinic_figures(clinic_ids uuid[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO clinic_current_figures (clinic_id, time_zone)
  SELECT id, time_zone FROM clinics WHERE clinic_ids IS NULL OR id = ANY (clinic_ids)
  ON CONFLICT (clinic_id) DO NOTHING;
  PERFORM lock_clinic_figures(ARRAY(SELECT id FROM clinics WHERE clinic_ids IS NULL OR id = ANY (clinic_ids)));
  UPDATE clinic_current_figures f SET time_zone = k.time_zone
  FROM clinics k WHERE k.id = f.clinic_id AND (clinic_ids IS NULL OR f.clinic_id = ANY (clinic_ids));

  DELETE FROM clinic_running_totals WHERE clinic_ids IS NULL OR clinic_id = ANY (clinic_ids);
  CREATE TEMPORARY TABLE clinic_figures_by_day ON COMMIT DROP AS
  SELECT x.clinic_id, (x.at AT TIME ZONE f.time_zone)::date AS day, sum(x.appointments) AS appointments,
         sum(x.completed) AS completed, sum(x.cancelled) AS cancelled, sum(x.no_shows) AS no_shows,
         sum(x.revenue_satang) AS revenue_satang, sum(x.analyses_completed) AS analyses_completed,
         sum(x.new_customers) AS new_customers
  FROM (
    SELECT a.clinic_id, a.starts_at AS at, 1 AS appointments, (a.status = 'completed')::int AS completed,
           (a.status = 'cancelled')::int AS cancelled, (a.status = 'no_show')::int AS no_shows,
           CASE WHEN a.status = 'completed' THEN a.price_satang ELSE 0 END AS revenue_satang,
           0 AS analyses_completed, 0 AS new_customers
    FROM appointments a
    WHERE clinic_ids IS NULL OR a.clinic_id = ANY (clinic_ids)
    UNION ALL
    SELECT s.clinic_id, s.finished_at, 0, 0, 0, 0, 0, 1, 0
    FROM skin_analyses s
    WHERE s.status = 'completed' AND s.finished_at IS NOT NULL AND (clinic_ids IS NULL OR s.clinic_id = ANY (clinic_ids))
    UNION ALL
    SELECT cu.clinic_id, cu.created_at, 0, 0, 0, 0, 0, 0, 1
    FROM customers cu
    WHERE clinic_ids IS NULL OR cu.clinic_id = ANY (clinic_ids)
  ) x
  JOIN clinic_current_figures f ON f.clinic_id = x.clinic_id
  GROUP BY 1, 2;

  INSERT INTO clinic_running_totals
  SELECT span.clinic_id, span.first_day + i,
         sum(coalesce(d.appointments, 0)) OVER w, sum(coalesce(d.completed, 0)) OVER w, sum(coalesce(d.cancelled, 0)) OVER w,
         sum(coalesce(d.no_shows, 0)) OVER w, sum(coalesce(d.revenue_satang, 0)) OVER w,
         sum(coalesce(d.analyses_completed, 0)) OVER w, sum(coalesce(d.new_customers, 0)) OVER w
  FROM (SELECT clinic_id, min(day) AS first_day, max(day) AS last_day FROM clinic_figures_by_day GROUP BY clinic_id) span
  CROSS JOIN LATERAL generate_series(0, span.last_day - span.first_day) i
  LEFT JOIN clinic_figures_by_day d ON d.clinic_id = span.clinic_id AND d.day = span.first_day + i
  WINDOW w AS (PARTITION BY span.clinic_id ORDER BY i);

  UPDATE clinic_current_figures f
  SET first_day = t.first_day, last_day = t.last_day, appointments = coalesce(t.appointments, 0), completed = coalesce(t.completed, 0),
      cancelled = coalesce(t.cancelled, 0), no_shows = coalesce(t.no_shows, 0), revenue_satang = coalesce(t.revenue_satang, 0),
      analyses_completed = coalesce(t.analyses_completed, 0), new_customers = coalesce(t.new_customers, 0)
  FROM clinics k
  LEFT JOIN (
    SELECT clinic_id, min(day) AS first_day, max(day) AS last_day, sum(appointments) AS appointments, sum(completed) AS completed,
           sum(cancelled) AS cancelled, sum(no_shows) AS no_shows, sum(revenue_satang) AS revenue_satang,
           sum(analyses_completed) AS analyses_completed, sum(new_customers) AS new_customers
    FROM clinic_figures_by_day GROUP BY clinic_id
  ) t ON t.clinic_id = k.id
  WHERE k.id = f.clinic_id AND (clinic_ids IS NULL OR f.clinic_id = ANY (clinic_ids));
  DROP TABLE clinic_figures_by_day;

  UPDATE clinic_current_figures f
  SET active_staff = coalesce(staff.active, 0), last_staff_sign_in_at = staff.last_sign_in_at,
      customers = coalesce(cust.total, 0), last_customer_added_at = cust.last_added_at,
      last_appointment_change_at = (SELECT max(a.updated_at) FROM appointments a WHERE a.clinic_id = f.clinic_id),
      last_analysis_requested_at = (SELECT max(s.created_at) FROM skin_analyses s WHERE s.clinic_id = f.clinic_id)
  FROM clinics k
  LEFT JOIN (
    SELECT u.clinic_id, count(*) FILTER (WHERE u.disabled_at IS NULL) AS active, max(u.last_sign_in_at) AS last_sign_in_at
    FROM users u
    WHERE u.role IN ('clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist') AND (clinic_ids IS NULL OR u.clinic_id = ANY (clinic_ids))
    GROUP BY u.clinic_id
  ) staff ON staff.clinic_id = k.id
  LEFT JOIN (
    SELECT cu.clinic_id, count(*) AS total, max(cu.created_at) AS last_added_at
    FROM customers cu WHERE clinic_ids IS NULL OR cu.clinic_id = ANY (clinic_ids) GROUP BY cu.clinic_id
  ) cust ON cust.clinic_id = k.id
  WHERE k.id = f.clinic_id AND (clinic_ids IS NULL OR f.clinic_id = ANY (clinic_ids));
END
$$;

-- Staff counted and their latest sign-in read again for some clinics (a handful of rows each, through
-- users (clinic_id, role)); the caller holds their locks.
CREATE FUNCTION recount_clinic_staff(clinic_ids uuid[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  UPDATE clinic_current_figures f SET active_staff = s.active, last_staff_sign_in_at = s.last_sign_in_at
  FROM unnest(clinic_ids) c(id)
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE u.disabled_at IS NULL)::int AS active, max(u.last_sign_in_at) AS last_sign_in_at
    FROM users u WHERE u.clinic_id = c.id AND u.role IN ('clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist')
  ) s
  WHERE f.clinic_id = c.id
    AND (f.active_staff, f.last_staff_sign_in_at) IS DISTINCT FROM (s.active, s.last_sign_in_at);
$$;

-- Statement-level, from the statement's transition tables: a bulk insert (a seeder) is summed per
-- clinic and day once, not replayed row by row over every later running total. PostgreSQL allows
-- transition tables on single-event triggers only, hence one trigger per event and TG_OP below.
-- A statement that changes no figure takes no lock.
CREATE FUNCTION roll_up_appointments() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  gone appointments[] := '{}';
  came appointments[] := '{}';
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN SELECT coalesce(array_agg(o), '{}') INTO gone FROM old_rows o; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN SELECT coalesce(array_agg(n), '{}') INTO came FROM new_rows n; END IF;

  PERFORM add_to_clinic_running_totals(ARRAY(
    SELECT ROW(y.clinic_id, y.starts_at, sum(y.sign), CASE y.status WHEN 'completed' THEN sum(y.sign) ELSE 0 END,
               CASE y.status WHEN 'cancelled' THEN sum(y.sign) ELSE 0 END, CASE y.status WHEN 'no_show' THEN sum(y.sign) ELSE 0 END,
               CASE y.status WHEN 'completed' THEN sum(y.sign) * y.price_satang ELSE 0 END, 0, 0)::clinic_figure_change
    FROM (SELECT g.clinic_id, g.starts_at, g.status, g.price_satang, -1 AS sign FROM unnest(gone) g
          UNION ALL
          SELECT c.clinic_id, c.starts_at, c.status, c.price_satang, 1 FROM unnest(came) c) y
    GROUP BY y.clinic_id, y.starts_at, y.status, y.price_satang
    -- The same start, status and price before and after (notes, staff, room) cancel out here.
    HAVING sum(y.sign) <> 0
  ));

  IF TG_OP = 'INSERT' THEN
    UPDATE clinic_current_figures f SET last_appointment_change_at = n.at
    FROM (SELECT c.clinic_id, max(c.updated_at) AS at FROM unnest(came) c GROUP BY c.clinic_id) n
    WHERE f.clinic_id = n.clinic_id AND (f.last_appointment_change_at IS NULL OR f.last_appointment_change_at < n.at);
  ELSE
    -- A change or removal may lower the latest time: read it again, under the lock, from the index.
    PERFORM lock_clinic_figures(ARRAY(SELECT g.clinic_id FROM unnest(gone) g UNION SELECT c.clinic_id FROM unnest(came) c));
    UPDATE clinic_current_figures f
    SET last_appointment_change_at = (SELECT max(a.updated_at) FROM appointments a WHERE a.clinic_id = f.clinic_id)
    WHERE f.clinic_id IN (SELECT g.clinic_id FROM unnest(gone) g UNION SELECT c.clinic_id FROM unnest(came) c);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION roll_up_skin_analyses() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  gone skin_analyses[] := '{}';
  came skin_analyses[] := '{}';
  moved uuid[];
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN SELECT coalesce(array_agg(o), '{}') INTO gone FROM old_rows o; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN SELECT coalesce(array_agg(n), '{}') INTO came FROM new_rows n; END IF;

  PERFORM add_to_clinic_running_totals(ARRAY(
    SELECT ROW(y.clinic_id, y.finished_at, 0, 0, 0, 0, 0, sum(y.sign), 0)::clinic_figure_change
    FROM (SELECT g.clinic_id, g.finished_at, -1 AS sign FROM unnest(gone) g WHERE g.status = 'completed' AND g.finished_at IS NOT NULL
          UNION ALL
          SELECT c.clinic_id, c.finished_at, 1 FROM unnest(came) c WHERE c.status = 'completed' AND c.finished_at IS NOT NULL) y
    GROUP BY y.clinic_id, y.finished_at
    HAVING sum(y.sign) <> 0
  ));

  -- Progress updates (many per analysis) leave created_at as it was and so touch nothing here.
  moved := ARRAY(
    SELECT g.clinic_id FROM unnest(gone) g
    WHERE TG_OP = 'DELETE' OR NOT EXISTS (SELECT 1 FROM unnest(came) c WHERE c.id = g.id AND c.clinic_id = g.clinic_id AND c.created_at = g.created_at)
  );
  IF cardinality(moved) > 0 THEN
    PERFORM lock_clinic_figures(moved);
    UPDATE clinic_current_figures f
    SET last_analysis_requested_at = (SELECT max(s.created_at) FROM skin_analyses s WHERE s.clinic_id = f.clinic_id)
    WHERE f.clinic_id = ANY (moved);
  END IF;
  UPDATE clinic_current_figures f SET last_analysis_requested_at = n.at
  FROM (SELECT c.clinic_id, max(c.created_at) AS at FROM unnest(came) c GROUP BY c.clinic_id) n
  WHERE f.clinic_id = n.clinic_id AND (f.last_analysis_requested_at IS NULL OR f.last_analysis_requested_at < n.at);
  RETURN NULL;
END
$$;

CREATE FUNCTION roll_up_customers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  gone customers[] := '{}';
  came customers[] := '{}';
  changed uuid[];
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN SELECT coalesce(array_agg(o), '{}') INTO gone FROM old_rows o; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN SELECT coalesce(array_agg(n), '{}') INTO came FROM new_rows n; END IF;

  PERFORM add_to_clinic_running_totals(ARRAY(
    SELECT ROW(y.clinic_id, y.created_at, 0, 0, 0, 0, 0, 0, sum(y.sign))::clinic_figure_change
    FROM (SELECT g.clinic_id, g.created_at, -1 AS sign FROM unnest(gone) g
          UNION ALL
          SELECT c.clinic_id, c.created_at, 1 FROM unnest(came) c) y
    GROUP BY y.clinic_id, y.created_at
    HAVING sum(y.sign) <> 0
  ));

  -- Clinics whose customers were added, removed or given another created_at (an edit of a name is none).
  changed := ARRAY(
    SELECT DISTINCT y.clinic_id FROM (
      SELECT g.clinic_id, g.created_at, -1 AS sign FROM unnest(gone) g
      UNION ALL
      SELECT c.clinic_id, c.created_at, 1 FROM unnest(came) c
    ) y
    GROUP BY y.clinic_id, y.created_at HAVING sum(y.sign) <> 0
  );
  IF cardinality(changed) > 0 THEN
    PERFORM lock_clinic_figures(changed);
    UPDATE clinic_current_figures f
    SET customers = f.customers + coalesce(n.added, 0),
        last_customer_added_at = (SELECT max(cu.created_at) FROM customers cu WHERE cu.clinic_id = f.clinic_id)
    FROM (
      SELECT x.clinic_id, sum(x.sign)::int AS added FROM (
        SELECT g.clinic_id, -1 AS sign FROM unnest(gone) g UNION ALL SELECT c.clinic_id, 1 FROM unnest(came) c
      ) x GROUP BY x.clinic_id
    ) n
    WHERE f.clinic_id = n.clinic_id AND f.clinic_id = ANY (changed);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION roll_up_users() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  touched uuid[];
BEGIN
  -- Only staff rows count; a customer signing in changes nothing here.
  IF TG_OP = 'INSERT' THEN
    touched := ARRAY(SELECT DISTINCT n.clinic_id FROM new_rows n
                     WHERE n.clinic_id IS NOT NULL AND n.role IN ('clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist'));
  ELSIF TG_OP = 'DELETE' THEN
    touched := ARRAY(SELECT DISTINCT o.clinic_id FROM old_rows o
                     WHERE o.clinic_id IS NOT NULL AND o.role IN ('clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist'));
  ELSE
    touched := ARRAY(
      SELECT o.clinic_id FROM old_rows o WHERE o.clinic_id IS NOT NULL AND o.role IN ('clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist')
      UNION
      SELECT n.clinic_id FROM new_rows n WHERE n.clinic_id IS NOT NULL AND n.role IN ('clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist'));
  END IF;
  IF cardinality(touched) > 0 THEN
    PERFORM lock_clinic_figures(touched);
    PERFORM recount_clinic_staff(touched);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION clinics_create_current_figures() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO clinic_current_figures (clinic_id, time_zone) VALUES (NEW.id, NEW.time_zone);
  RETURN NULL;
END
$$;

CREATE FUNCTION clinics_rebucket_figures() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM recompute_clinic_figures(ARRAY[NEW.id]);
  RETURN NULL;
END
$$;

CREATE TRIGGER clinics_current_figures AFTER INSERT ON clinics FOR EACH ROW EXECUTE FUNCTION clinics_create_current_figures();
CREATE TRIGGER clinics_time_zone_figures AFTER UPDATE OF time_zone ON clinics FOR EACH ROW
  WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION clinics_rebucket_figures();

CREATE TRIGGER appointments_figures_insert AFTER INSERT ON appointments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_appointments();
CREATE TRIGGER appointments_figures_update AFTER UPDATE ON appointments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_appointments();
CREATE TRIGGER appointments_figures_delete AFTER DELETE ON appointments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_appointments();

CREATE TRIGGER skin_analyses_figures_insert AFTER INSERT ON skin_analyses REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_skin_analyses();
CREATE TRIGGER skin_analyses_figures_update AFTER UPDATE ON skin_analyses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_skin_analyses();
CREATE TRIGGER skin_analyses_figures_delete AFTER DELETE ON skin_analyses REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_skin_analyses();

CREATE TRIGGER customers_figures_insert AFTER INSERT ON customers REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_customers();
CREATE TRIGGER customers_figures_update AFTER UPDATE ON customers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_customers();
CREATE TRIGGER customers_figures_delete AFTER DELETE ON customers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_customers();

CREATE TRIGGER users_figures_insert AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_users();
CREATE TRIGGER users_figures_update AFTER UPDATE ON users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_users();
CREATE TRIGGER users_figures_delete AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_users();

-- The backfill. The triggers above already hold their tables' locks in this transaction, so no write
-- lands between the figures read here and the first write they follow.
SELECT recompute_clinic_figures(NULL);
