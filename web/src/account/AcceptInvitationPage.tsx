import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearch } from 'wouter';
import { api, ApiError } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';

/** Opened from a staff invitation email (/accept-invitation?token=…): the invitee chooses a password. */
export function AcceptInvitationPage() {
  const { t } = useTranslation('account', { keyPrefix: 'invitation' });
  const token = new URLSearchParams(useSearch()).get('token');
  const [password, setPassword] = useState('');
  const accept = useMutation({
    mutationFn: () => api('/api/auth/invitations/accept', { method: 'POST', body: { token, password } }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    accept.mutate();
  };
  const spent = accept.error instanceof ApiError && accept.error.code === 'account-token-invalid';
  return (
    <main className="sign-in">
      <form className="card" onSubmit={submit} aria-labelledby="invitation-title">
        <h1 id="invitation-title">{t('title')}</h1>
        {!token || spent ? (
          <p role="alert">{token ? t('tokenInvalid') : t('missingToken')}</p>
        ) : accept.isSuccess ? (
          <p role="status">{t('done')}</p>
        ) : (
          <>
            <p>{t('intro')}</p>
            <label>
              {t('password')}
              <input
                type="password"
                autoComplete="new-password"
                minLength={10}
                required
                aria-describedby="invitation-password-rule"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <p id="invitation-password-rule">{t('passwordRule')}</p>
            <ProblemMessage error={accept.error} />
            <button type="submit" disabled={accept.isPending}>
              {accept.isPending ? t('accepting') : t('accept')}
            </button>
          </>
        )}
        <Link href="/">{t('signIn')}</Link>
      </form>
    </main>
  );
}
