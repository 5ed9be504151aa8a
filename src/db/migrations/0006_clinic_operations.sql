CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Composite keys let child rows reference (clinic_id, id), so the database itself refuses an
-- appointment that joins one clinic's customer to another clinic's treatment, staff or room.
ALTER TABLE users ADD CONSTRAINT users_clinic_id_id_key UNIQUE (clinic_id, id);
ALTER TABLE customers ADD CONSTRAINT customers_clinic_id_id_key UNIQUE (clinic_id, id);

CREATE TABLE treatments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  name_en text CHECK (length(name_en) BETWEEN 1 AND 200),
  name_th text CHECK (length(name_th) BETWEEN 1 AND 200),
  name_zh text CHECK (length(name_zh) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  category text NOT NULL CHECK (category IN ('injectable', 'laser', 'skincare', 'facial', 'body', 'device', 'consultation')),
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 600),
  -- THB in satang (1/100): integer money, no rounding drift.
  price_satang bigint NOT NULL CHECK (price_satang >= 0),
  buffer_before_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 240),
  buffer_after_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 240),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT treatments_has_a_name CHECK (coalesce(name_en, name_th, name_zh) IS NOT NULL),
  CONSTRAINT treatments_clinic_id_id_key UNIQUE (clinic_id, id)
);
CREATE INDEX treatments_clinic_id_is_active_idx ON treatments (clinic_id, is_active);

CREATE TABLE rooms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  capacity integer NOT NULL DEFAULT 1 CHECK (capacity = 1),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT rooms_clinic_id_name_key UNIQUE (clinic_id, name),
  CONSTRAINT rooms_clinic_id_id_key UNIQUE (clinic_id, id)
);

-- Weekly hours in the clinic's local time; ISO weekday 1 = Monday.
CREATE TABLE staff_working_hours (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL,
  staff_user_id uuid NOT NULL,
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_time time NOT NULL,
  end_time time NOT NULL CHECK (end_time > start_time),
  FOREIGN KEY (clinic_id, staff_user_id) REFERENCES users (clinic_id, id)
);
CREATE INDEX staff_working_hours_clinic_staff_idx ON staff_working_hours (clinic_id, staff_user_id, weekday);

CREATE TABLE staff_schedule_exceptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL,
  staff_user_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('leave', 'extra_shift')),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  note text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (clinic_id, staff_user_id) REFERENCES users (clinic_id, id)
);
CREATE INDEX staff_schedule_exceptions_clinic_staff_idx ON staff_schedule_exceptions (clinic_id, staff_user_id, starts_at);

CREATE TABLE staff_treatments (
  clinic_id uuid NOT NULL,
  staff_user_id uuid NOT NULL,
  treatment_id uuid NOT NULL,
  PRIMARY KEY (staff_user_id, treatment_id),
  FOREIGN KEY (clinic_id, staff_user_id) REFERENCES users (clinic_id, id),
  FOREIGN KEY (clinic_id, treatment_id) REFERENCES treatments (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX staff_treatments_clinic_treatment_idx ON staff_treatments (clinic_id, treatment_id);

CREATE TABLE booking_rules (
  clinic_id uuid PRIMARY KEY REFERENCES clinics (id),
  min_notice_minutes integer NOT NULL DEFAULT 120 CHECK (min_notice_minutes BETWEEN 0 AND 10080),
  max_advance_days integer NOT NULL DEFAULT 60 CHECK (max_advance_days BETWEEN 1 AND 730),
  slot_interval_minutes integer NOT NULL DEFAULT 15 CHECK (slot_interval_minutes IN (5, 10, 15, 20, 30, 60)),
  -- Fee tiers: under hoursBefore hours before the start, feePercent of the price is charged.
  -- The original market's policy: 50% under 24 h, 75% under 12 h, 100% under 6 h.
  cancellation_fees jsonb NOT NULL DEFAULT '[{"hoursBefore": 24, "feePercent": 50}, {"hoursBefore": 12, "feePercent": 75}, {"hoursBefore": 6, "feePercent": 100}]',
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every clinic gets its rules row (with the defaults above) the moment it exists, so reads never
-- have to invent defaults of their own.
CREATE FUNCTION clinics_create_booking_rules() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO booking_rules (clinic_id) VALUES (NEW.id);
  RETURN NEW;
END
$$;
CREATE TRIGGER clinics_booking_rules AFTER INSERT ON clinics FOR EACH ROW EXECUTE FUNCTION clinics_create_booking_rules();
INSERT INTO booking_rules (clinic_id) SELECT id FROM clinics;

CREATE TABLE appointments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  customer_id uuid NOT NULL,
  treatment_id uuid NOT NULL,
  staff_user_id uuid NOT NULL,
  room_id uuid,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  buffer_before_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_before_minutes >= 0),
  buffer_after_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes >= 0),
  -- starts/ends widened by the buffers; kept by a trigger because timestamptz arithmetic is not
  -- immutable, so it cannot be a generated column or an index expression.
  blocked_during tstzrange NOT NULL DEFAULT 'empty',
  status text NOT NULL DEFAULT 'scheduled'
    CHECK (status IN ('scheduled', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show')),
  price_satang bigint NOT NULL CHECK (price_satang >= 0),
  notes text NOT NULL DEFAULT '',
  cancellation_fee_satang bigint CHECK (cancellation_fee_satang >= 0),
  cancellation_reason text,
  cancelled_at timestamptz,
  created_by_user_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (clinic_id, customer_id) REFERENCES customers (clinic_id, id),
  FOREIGN KEY (clinic_id, treatment_id) REFERENCES treatments (clinic_id, id),
  FOREIGN KEY (clinic_id, staff_user_id) REFERENCES users (clinic_id, id),
  FOREIGN KEY (clinic_id, room_id) REFERENCES rooms (clinic_id, id),
  -- Two requests racing for one slot cannot both win: the database refuses the second.
  CONSTRAINT appointments_staff_no_overlap EXCLUDE USING gist (staff_user_id WITH =, blocked_during WITH &&)
    WHERE (status NOT IN ('cancelled', 'no_show')),
  CONSTRAINT appointments_room_no_overlap EXCLUDE USING gist (room_id WITH =, blocked_during WITH &&)
    WHERE (room_id IS NOT NULL AND status NOT IN ('cancelled', 'no_show'))
);
CREATE INDEX appointments_clinic_id_status_created_at_idx ON appointments (clinic_id, status, created_at);
CREATE INDEX appointments_clinic_id_starts_at_idx ON appointments (clinic_id, starts_at);
CREATE INDEX appointments_customer_id_starts_at_idx ON appointments (customer_id, starts_at DESC);

CREATE FUNCTION appointments_set_blocked_during() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.blocked_during := tstzrange(
    NEW.starts_at - make_interval(mins => NEW.buffer_before_minutes),
    NEW.ends_at + make_interval(mins => NEW.buffer_after_minutes), '[)');
  RETURN NEW;
END
$$;
CREATE TRIGGER appointments_blocked_during BEFORE INSERT OR UPDATE OF starts_at, ends_at, buffer_before_minutes, buffer_after_minutes
  ON appointments FOR EACH ROW EXECUTE FUNCTION appointments_set_blocked_during();

ALTER TABLE appointments ADD CONSTRAINT appointments_clinic_id_id_key UNIQUE (clinic_id, id);

CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  appointment_id uuid,
  recipient_user_id uuid,
  customer_id uuid,
  channel text NOT NULL CHECK (channel IN ('in_app', 'email', 'log')),
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
  error text,
  sent_at timestamptz,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, recipient_user_id) REFERENCES users (clinic_id, id),
  FOREIGN KEY (clinic_id, customer_id) REFERENCES customers (clinic_id, id)
);
CREATE INDEX notifications_clinic_recipient_idx ON notifications (clinic_id, recipient_user_id, created_at DESC);
CREATE INDEX notifications_appointment_idx ON notifications (appointment_id);

-- Every later tenant table goes through this: RLS enabled and forced, the tenant policy on the wrapped
-- setting, and read-only access for the audited platform path. Migration-time only: no role may call it.
CREATE FUNCTION enable_tenant_rls(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY tables LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I TO bwai_app USING (clinic_id = (SELECT current_clinic_id()))', t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO bwai_platform USING (true)', t || '_platform_read', t);
    EXECUTE format('GRANT SELECT ON %I TO bwai_platform', t);
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION enable_tenant_rls(text[]) FROM PUBLIC;
SELECT enable_tenant_rls(ARRAY['treatments', 'rooms', 'staff_working_hours', 'staff_schedule_exceptions', 'staff_treatments',
                               'booking_rules', 'appointments', 'notifications']);
GRANT SELECT, INSERT, UPDATE, DELETE ON treatments, rooms, staff_working_hours, staff_schedule_exceptions, staff_treatments TO bwai_app;
GRANT SELECT, UPDATE ON booking_rules TO bwai_app;
-- Appointments are never deleted: they move to cancelled or no_show and stay for history.
GRANT SELECT, INSERT, UPDATE ON appointments, notifications TO bwai_app;
