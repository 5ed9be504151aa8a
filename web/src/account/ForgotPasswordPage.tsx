import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';

export function ForgotPasswordPage() {
  const { t } = useTranslation('account');
  const [email, setEmail] = useState('');
  const request = useMutation({
    mutationFn: () => api('/api/auth/password-reset', { method: 'POST', body: { email } }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate();
  };
  return (
    <main className="sign-in">
      <form className="card" onSubmit={submit} aria-labelledby="forgot-title">
        <h1 id="forgot-title">{t('forgotTitle')}</h1>
        {request.isSuccess ? (
          <p role="status">{t('sent')}</p>
        ) : (
          <>
            <p>{t('forgotIntro')}</p>
            <label>
              {t('email')}
              <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </label>
            <ProblemMessage error={request.error} />
            <button type="submit" disabled={request.isPending}>
              {request.isPending ? t('sending') : t('send')}
            </button>
          </>
        )}
        <Link href="/">{t('backToSignIn')}</Link>
      </form>
    </main>
  );
}
