import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';

/** Ends the user's sessions on every other device; this one stays signed in. */
export function OtherDevices() {
  const { t } = useTranslation('account');
  const signOut = useMutation({
    mutationFn: () => api<{ revokedSessions: number }>('/api/auth/sign-out-others', { method: 'POST' }),
  });
  return (
    <section className="card" aria-labelledby="devices-title">
      <h2 id="devices-title">{t('devices.title')}</h2>
      <p className="muted">{t('devices.intro')}</p>
      <ProblemMessage error={signOut.error} />
      {signOut.isSuccess && <p role="status">{t('devices.done', { count: signOut.data.revokedSessions })}</p>}
      <button type="button" className="secondary" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
        {t('devices.signOut')}
      </button>
    </section>
  );
}
