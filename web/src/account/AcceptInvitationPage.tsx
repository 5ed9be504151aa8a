import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearch } from 'wouter';
import { api, ApiError } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { NewPasswordField } from './NewPasswordField.tsx';

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
            <NewPasswordField label={t('password')} rule={t('passwordRule')} value={password} onChange={setPassword} />
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
