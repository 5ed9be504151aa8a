import { useMutation, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';

// Only accounts with two-factor sign-in see it: its code stays out of the first chunk.
const TwoFactorStep = lazy(() => import('../account/TwoFactorStep.tsx').then((m) => ({ default: m.TwoFactorStep })));

export function SignInPage() {
  const { t } = useTranslation('auth');
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () =>
      api<{ status?: 'two-factor-required'; challenge?: string }>('/api/auth/sign-in', {
        method: 'POST',
        body: { email, password },
      }),
    // Nothing cached before sign-in may show after it: every query starts again, `me` first.
    onSuccess: (answer) => (answer.challenge ? undefined : queryClient.resetQueries()),
  });
  if (signIn.data?.challenge)
    return (
      <Suspense fallback={<p className="loading">{t('signingIn')}</p>}>
        <TwoFactorStep challenge={signIn.data.challenge} onStartOver={() => signIn.reset()} />
      </Suspense>
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  return (
    <main className="sign-in">
      <form className="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('title')}</h1>
        <label>
          {t('email')}
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('password')}
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ProblemMessage error={signIn.error} />
        <button type="submit" disabled={signIn.isPending}>
          {signIn.isPending ? t('signingIn') : t('signIn')}
        </button>
        <Link href="/forgot-password">{t('forgotPassword')}</Link>
      </form>
    </main>
  );
}
