import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearch } from 'wouter';
import { api, ApiError } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { NewPasswordField } from './NewPasswordField.tsx';

/** Opened from the emailed link (/reset-password?token=…). */
export function ResetPasswordPage() {
  const { t } = useTranslation('account');
  const token = new URLSearchParams(useSearch()).get('token');
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: () => api('/api/auth/password-reset/confirm', { method: 'POST', body: { token, password } }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    reset.mutate();
  };
  const spent = reset.error instanceof ApiError && reset.error.code === 'account-token-invalid';
  return (
    <main className="sign-in">
      <form className="card" onSubmit={submit} aria-labelledby="reset-title">
        <h1 id="reset-title">{t('resetTitle')}</h1>
        {!token || spent ? (
          <>
            <p role="alert">{token ? t('tokenInvalid') : t('missingToken')}</p>
            <Link href="/forgot-password">{t('askAgain')}</Link>
          </>
        ) : reset.isSuccess ? (
          <p role="status">{t('done')}</p>
        ) : (
          <>
            <NewPasswordField label={t('newPassword')} rule={t('passwordRule')} value={password} onChange={setPassword} />
            <ProblemMessage error={reset.error} />
            <button type="submit" disabled={reset.isPending}>
              {reset.isPending ? t('saving') : t('save')}
            </button>
          </>
        )}
        <Link href="/">{t('backToSignIn')}</Link>
      </form>
    </main>
  );
}
