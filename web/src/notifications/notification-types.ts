export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  appointmentId: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationPage {
  items: Notification[];
  nextCursor: string | null;
}

export interface NotificationPreferences {
  inApp: true;
  email: boolean;
  line: boolean;
  lineUserId: string | null;
  lineAvailable: boolean;
}

/** Every notification query starts with this key: one invalidation refreshes the inbox and the badge. */
export const NOTIFICATIONS_KEY = ['notifications'] as const;
export const UNREAD_KEY = [...NOTIFICATIONS_KEY, 'unread-count'] as const;
