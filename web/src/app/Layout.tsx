import { useMutation, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api } from '../api/client.ts';
import type { Me } from '../auth/use-me.ts';
import { isLocale, LOCALES } from '../../../src/i18n/locale-vocabulary.ts';
import { chooseLanguage } from '../i18n/i18n.ts';
import { LANGUAGE_NAMES } from '../i18n/language-names.ts';
import { navigationFor } from './navigation.ts';

// The badge and its live stream are a chunk of their own: the first chunk stays the shell.
const InboxBadge = lazy(() => import('../notifications/InboxBadge.tsx').then((m) => ({ default: m.InboxBadge })));

export function Layout({ me, children }: { me: Me; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const [location, navigate] = useLocation();
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => api('/api/auth/sign-out', { method: 'POST' }),
    // The next person at this screen must see nothing of this user's data, even from the cache.
    onSettled: async () => {
      navigate('/');
      await queryClient.resetQueries();
    },
  });
  return (
    <div className="layout">
      <header className="top-bar">
        <span className="brand">{me.clinic?.name ?? t('platform')}</span>
        <nav aria-label={t('nav.label')}>
          {/* Until a required second factor is on, every other page would be refused. */}
          {(me.twoFactorEnrolmentRequired ? [] : navigationFor(me.role)).map((item) => (
            <Link key={item.path} href={item.path} aria-current={location.startsWith(item.path) ? 'page' : undefined}>
              {t(item.label)}
            </Link>
          ))}
        </nav>
        {me.clinic && (
          <Suspense fallback={null}>
            <InboxBadge />
          </Suspense>
        )}
        <Link href="/account" className="who" aria-current={location.startsWith('/account') ? 'page' : undefined}>
          {me.fullName}
        </Link>
        <select
          aria-label={t('language')}
          value={i18n.language}
          onChange={(e) => {
            if (isLocale(e.target.value)) void chooseLanguage(e.target.value);
          }}
        >
          {LOCALES.map((l) => (
            <option key={l} value={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
        <button type="button" className="secondary" onClick={() => signOut.mutate()}>
          {t('auth:signOut')}
        </button>
      </header>
      <main className="page">{children}</main>
    </div>
  );
}
