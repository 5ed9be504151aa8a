-- The pg-boss jobs that remind a customer of an appointment, by kind, so a reschedule can move them
-- and a cancellation can withdraw them in the same transaction as the change itself.
CREATE TABLE appointment_reminders (
  clinic_id uuid NOT NULL,
  appointment_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('24h', '2h')),
  job_id uuid NOT NULL,
  due_at timestamptz NOT NULL,
  PRIMARY KEY (appointment_id, kind),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);

ALTER TABLE appointment_reminders ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointment_reminders FORCE ROW LEVEL SECURITY;
CREATE POLICY appointment_reminders_tenant ON appointment_reminders TO bwai_app USING (clinic_id = (SELECT current_clinic_id()));
CREATE POLICY appointment_reminders_platform_read ON appointment_reminders FOR SELECT TO bwai_platform USING (true);
GRANT SELECT, INSERT, DELETE ON appointment_reminders TO bwai_app;
GRANT SELECT ON appointment_reminders TO bwai_platform;

-- A retried reminder job must not notify twice.
CREATE UNIQUE INDEX notifications_appointment_kind_channel_key ON notifications (appointment_id, kind, channel) WHERE appointment_id IS NOT NULL;

-- A user acting on their own row (the super admin's path) may not move it into a clinic; clinic
-- members are already held to their clinic by users_tenant.
ALTER POLICY users_self ON users USING (id = (SELECT current_user_id())) WITH CHECK (id = (SELECT current_user_id()) AND clinic_id IS NULL);
