import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, withQuery } from '../api/client.ts';
import { useKeysetPages } from '../api/keyset-pages.ts';
import { LoadMore } from '../app/LoadMore.tsx';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useSignedIn } from '../auth/use-me.ts';
import { useFormat } from '../i18n/format.ts';
import {
  NOTIFICATIONS_KEY,
  UNREAD_KEY,
  type Notification,
  type NotificationPage,
  type NotificationPreferences,
} from './notification-types.ts';
import './notifications.css';

const PAGE_SIZE = 20;
const PREFERENCES_KEY = [...NOTIFICATIONS_KEY, 'preferences'] as const;

/** A person's notifications, newest first and live, with their channel choices underneath. */
export function InboxPage() {
  const { t } = useTranslation('notifications');
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
  const inbox = useKeysetPages([...NOTIFICATIONS_KEY, 'inbox'], (cursor, signal) =>
    api<NotificationPage>(withQuery('/api/notifications', { limit: PAGE_SIZE, cursor }), { signal }),
  );
  const unread = useQuery({
    queryKey: UNREAD_KEY,
    queryFn: ({ signal }) => api<{ unread: number }>('/api/notifications/unread-count', { signal }),
  });
  const markAll = useMutation({
    mutationFn: () => api('/api/notifications/read-all', { method: 'POST' }),
    onSettled: refresh,
  });
  const rows = inbox.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="inbox">
      <h1>{t('title')}</h1>
      <div className="inbox-actions">
        <p className="muted" role="status">
          {t('unreadCount', { count: unread.data?.unread ?? 0 })}
        </p>
        <button
          type="button"
          className="secondary"
          disabled={!unread.data?.unread || markAll.isPending}
          onClick={() => markAll.mutate()}
        >
          {t('markAllRead')}
        </button>
      </div>
      {markAll.isError && <ProblemMessage error={markAll.error} />}
      {inbox.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : inbox.isError ? (
        <ProblemMessage error={inbox.error} />
      ) : rows.length === 0 ? (
        <p className="muted">{t('empty')}</p>
      ) : (
        <>
          <ul className="inbox-list" aria-label={t('title')} aria-busy={inbox.isFetching}>
            {rows.map((n) => (
              <InboxItem key={n.id} notification={n} onRead={refresh} />
            ))}
          </ul>
          <LoadMore pages={inbox} />
        </>
      )}
      <ChannelSettings />
    </section>
  );
}

function InboxItem({ notification: n, onRead }: { notification: Notification; onRead: () => unknown }) {
  const { t } = useTranslation('notifications');
  const me = useSignedIn();
  const format = useFormat(me.clinic?.timeZone);
  const markRead = useMutation({
    mutationFn: () => api(`/api/notifications/${n.id}/read`, { method: 'POST' }),
    onSettled: onRead,
  });
  return (
    <li className={n.readAt ? 'inbox-item' : 'inbox-item unread'}>
      <header>
        <strong>
          {!n.readAt && <span className="unread-tag">{t('unread')}</span>}
          {n.title}
        </strong>
        <time dateTime={n.createdAt} className="muted">
          {format.dateTime(n.createdAt)}
        </time>
      </header>
      <p>{n.body}</p>
      {!n.readAt && (
        <div>
          <button type="button" className="secondary" disabled={markRead.isPending} onClick={() => markRead.mutate()}>
            {t('markRead')}
          </button>
        </div>
      )}
      {markRead.isError && <ProblemMessage error={markRead.error} />}
    </li>
  );
}

function ChannelSettings() {
  const { t } = useTranslation('notifications');
  const preferences = useQuery({
    queryKey: PREFERENCES_KEY,
    queryFn: ({ signal }) => api<NotificationPreferences>('/api/notifications/preferences', { signal }),
  });
  return (
    <section className="channel-settings" aria-labelledby="channel-settings-title">
      <h2 id="channel-settings-title">{t('channels.title')}</h2>
      {preferences.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : preferences.isError ? (
        <ProblemMessage error={preferences.error} />
      ) : (
        <ChannelForm saved={preferences.data} />
      )}
    </section>
  );
}

function ChannelForm({ saved }: { saved: NotificationPreferences }) {
  const { t } = useTranslation('notifications');
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(saved.email);
  const [line, setLine] = useState(saved.line);
  const [lineUserId, setLineUserId] = useState(saved.lineUserId ?? '');
  const save = useMutation({
    mutationFn: () =>
      api<NotificationPreferences>('/api/notifications/preferences', {
        method: 'PUT',
        body: { email, line, lineUserId: lineUserId.trim() || null },
      }),
    onSuccess: (next) => queryClient.setQueryData(PREFERENCES_KEY, next),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} className="channel-settings">
      <label>
        <input type="checkbox" checked disabled />
        {t('channels.inApp')}
      </label>
      <label>
        <input type="checkbox" checked={email} onChange={(e) => setEmail(e.target.checked)} />
        {t('channels.email')}
      </label>
      <label>
        <input type="checkbox" checked={line} onChange={(e) => setLine(e.target.checked)} />
        {t('channels.line')}
      </label>
      {!saved.lineAvailable && <p className="muted">{t('channels.lineUnavailable')}</p>}
      <label htmlFor="line-user-id">{t('channels.lineUserId')}</label>
      <input
        id="line-user-id"
        value={lineUserId}
        maxLength={33}
        pattern="U[0-9a-f]{32}"
        placeholder="U0123…"
        onChange={(e) => setLineUserId(e.target.value)}
      />
      <div>
        <button type="submit" disabled={save.isPending}>
          {t('channels.save')}
        </button>
      </div>
      {save.isError && <ProblemMessage error={save.error} />}
      {save.isSuccess && (
        <p role="status" className="muted">
          {t('channels.saved')}
        </p>
      )}
    </form>
  );
}
