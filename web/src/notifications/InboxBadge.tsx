import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api } from '../api/client.ts';
import { UNREAD_KEY } from './notification-types.ts';
import { useLiveNotifications } from './use-live-notifications.ts';
import './notifications.css';

export const INBOX_PATH = '/notifications';

/** The top bar's way to the inbox, with the number of unread notifications, kept live. */
export function InboxBadge() {
  const { t } = useTranslation('notifications');
  const [location] = useLocation();
  useLiveNotifications();
  const unread = useQuery({
    queryKey: UNREAD_KEY,
    queryFn: ({ signal }) => api<{ unread: number }>('/api/notifications/unread-count', { signal }),
  });
  const count = unread.data?.unread ?? 0;
  return (
    <Link href={INBOX_PATH} className="inbox-link" aria-current={location.startsWith(INBOX_PATH) ? 'page' : undefined}>
      {t('inbox')}
      {count > 0 && (
        <>
          {' '}
          <span className="unread-badge" data-testid="unread-badge">
            {count}
          </span>
          {/* Read out after the number, not shown: the badge says it to the eye. */}
          <span className="unread-words"> {t('unreadWords')}</span>
        </>
      )}
    </Link>
  );
}
