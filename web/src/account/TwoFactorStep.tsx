import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';

/** The second step of a sign-in for an account with two-factor sign-in on. */
export function TwoFactorStep({ challenge, onStartOver }: { challenge: string; onStartOver: () => void }) {
  const { t } = useTranslation('account');
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: () => api('/api/auth/sign-in/two-factor', { method: 'POST', body: { challenge, code } }),
    onSuccess: () => queryClient.resetQueries(),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate();
  };
  return (
    <main className="sign-in">
      <form className="card" onSubmit={submit} aria-labelledby="code-title">
        <h1 id="code-title">{t('codeTitle')}</h1>
        <p>{t('codeIntro')}</p>
        <label>
          {t('code')}
          <input autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        <ProblemMessage error={verify.error} />
        <button type="submit" disabled={verify.isPending}>
          {verify.isPending ? t('verifying') : t('verify')}
        </button>
        <button type="button" onClick={onStartOver}>
          {t('startOver')}
        </button>
      </form>
    </main>
  );
}
