import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { NOTIFICATIONS_KEY } from './notification-types.ts';

/**
 * Keeps the inbox and its badge current from the server's stream of new notifications: each event,
 * and each (re)connection, refetches them. The browser reconnects by itself after the stream's
 * lifetime or a network loss, and what arrived meanwhile is read on reconnecting.
 */
export function useLiveNotifications(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const source = new EventSource('/api/notifications/events', { withCredentials: true });
    const refresh = () => void queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
    for (const event of ['ready', 'notification', 'resync']) source.addEventListener(event, refresh);
    return () => source.close();
  }, [queryClient]);
}
