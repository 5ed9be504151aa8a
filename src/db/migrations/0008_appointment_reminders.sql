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

SELECT enable_tenant_rls(ARRAY['appointment_reminders']);
GRANT SELECT, INSERT, DELETE ON appointment_reminders TO bwai_app;

-- A retried reminder job must not notify twice.
CREATE UNIQUE INDEX notifications_appointment_kind_channel_key ON notifications (appointment_id, kind, channel) WHERE appointment_id IS NOT NULL;

-- A user acting on their own row (the super admin's path) may not move it into a clinic; clinic
-- members are already held to their clinic by users_tenant.
ALTER POLICY users_self ON users USING (id = (SELECT current_user_id())) WITH CHECK (id = (SELECT current_user_id()) AND clinic_id IS NULL);
