-- Notifications for appointment and analysis events. One event makes one inbox row per recipient
-- (channel 'in_app', sharing the event's event_id) and, per row, one delivery per outside channel the
-- recipient chose. A delivery is unique per (notification, channel): it is sent at most once, and its
-- id doubles as the LINE retry key so a push retried after a lost answer is not delivered twice.
ALTER TABLE notifications ADD COLUMN event_id uuid;
-- Reminders keep their one-per-appointment-kind-channel rule; event notices may repeat per appointment
-- (moved twice) and go to several staff at once.
DROP INDEX notifications_appointment_kind_channel_key;
CREATE UNIQUE INDEX notifications_appointment_kind_channel_key ON notifications (appointment_id, kind, channel)
  WHERE appointment_id IS NOT NULL AND event_id IS NULL;
CREATE UNIQUE INDEX notifications_event_recipient_key ON notifications (clinic_id, event_id, recipient_user_id) WHERE event_id IS NOT NULL;
-- The inbox: a recipient's rows newest first, and their unread count.
CREATE INDEX notifications_inbox_idx ON notifications (clinic_id, recipient_user_id, created_at DESC, id DESC) WHERE channel = 'in_app';
CREATE INDEX notifications_unread_idx ON notifications (clinic_id, recipient_user_id) WHERE channel = 'in_app' AND read_at IS NULL;

CREATE TABLE notification_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  channel text NOT NULL CHECK (channel IN ('email', 'line')),
  -- The address at the time of the event: an email address or a LINE user id.
  address text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  error text,
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (clinic_id, notification_id, channel)
);
CREATE INDEX notification_deliveries_clinic_idx ON notification_deliveries (clinic_id, created_at DESC);

-- Each person's outside channels; in-app is always on. A LINE user id is only used while the clinic
-- has LINE enabled.
CREATE TABLE notification_preferences (
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  user_id uuid NOT NULL,
  email boolean NOT NULL DEFAULT true,
  line boolean NOT NULL DEFAULT false,
  line_user_id text CHECK (line_user_id ~ '^U[0-9a-f]{32}$'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, user_id),
  FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, id) ON DELETE CASCADE
);

-- A clinic's LINE Messaging API channel. The access token is written by owners and admins and read
-- only by the delivery job; the API shows its last four characters.
CREATE TABLE clinic_line_channels (
  clinic_id uuid PRIMARY KEY REFERENCES clinics (id),
  access_token text NOT NULL CHECK (length(access_token) BETWEEN 20 AND 400),
  enabled boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);

SELECT enable_tenant_rls(ARRAY['notification_deliveries', 'notification_preferences', 'clinic_line_channels']);
GRANT SELECT, INSERT, UPDATE ON notification_deliveries, notification_preferences, clinic_line_channels TO bwai_app;
