import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { RecoveryCodes, TwoFactorEnrolment, TwoFactorStatus } from '../../../src/auth/auth-schemas.ts';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { meQuery, useSignedIn } from '../auth/use-me.ts';
import './account.css';

type Status = z.output<typeof TwoFactorStatus>;
type Enrolment = z.output<typeof TwoFactorEnrolment>;

const statusQuery = { queryKey: ['me', 'two-factor'], queryFn: () => api<Status>('/api/me/two-factor') };

/**
 * Turning two-factor sign-in on (a secret for an authenticator app, confirmed by its first code,
 * then the recovery codes shown once) or off (with a code). No QR library is bundled: the secret and
 * the otpauth URI are shown as text to type or paste into the app.
 */
export function TwoFactorPage() {
  const { t } = useTranslation('account');
  const me = useSignedIn();
  const status = useQuery(statusQuery);
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  return (
    <section className="account">
      <h1>{t('twoFactor.title')}</h1>
      {me.twoFactorEnrolmentRequired && !recoveryCodes && <p role="alert">{t('twoFactor.required')}</p>}
      {recoveryCodes ? (
        <RecoveryCodesOnce codes={recoveryCodes} onDone={() => setRecoveryCodes(undefined)} />
      ) : status.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : status.isError ? (
        <ProblemMessage error={status.error} />
      ) : status.data.enabled ? (
        <TurnOff recoveryCodesLeft={status.data.recoveryCodesLeft} />
      ) : (
        <Enrol onEnabled={setRecoveryCodes} />
      )}
    </section>
  );
}

function Enrol({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const { t } = useTranslation('account');
  const [code, setCode] = useState('');
  const begin = useMutation({ mutationFn: () => api<Enrolment>('/api/me/two-factor/enrolment', { method: 'POST' }) });
  const confirm = useMutation({
    mutationFn: () =>
      api<z.output<typeof RecoveryCodes>>('/api/me/two-factor/enrolment/confirm', { method: 'POST', body: { code } }),
    onSuccess: (answer) => onEnabled(answer.recoveryCodes),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate();
  };
  if (!begin.data)
    return (
      <div className="card">
        <p>{t('twoFactor.intro')}</p>
        <ProblemMessage error={begin.error} />
        <button type="button" disabled={begin.isPending} onClick={() => begin.mutate()}>
          {t('twoFactor.start')}
        </button>
      </div>
    );
  return (
    <form className="card" onSubmit={submit} aria-labelledby="enrol-title">
      <h2 id="enrol-title">{t('twoFactor.scanTitle')}</h2>
      <p>{t('twoFactor.scanIntro')}</p>
      <p>{t('twoFactor.secret')}</p>
      <p className="copy" data-testid="totp-secret">
        {begin.data.secret}
      </p>
      <p>{t('twoFactor.uri')}</p>
      <p className="copy" data-testid="totp-uri">
        {begin.data.otpauthUri}
      </p>
      <label>
        {t('code')}
        <input autoComplete="one-time-code" inputMode="numeric" required value={code} onChange={(e) => setCode(e.target.value)} />
      </label>
      <ProblemMessage error={confirm.error} />
      <button type="submit" disabled={confirm.isPending}>
        {confirm.isPending ? t('verifying') : t('twoFactor.confirm')}
      </button>
    </form>
  );
}

function RecoveryCodesOnce({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation('account');
  const queryClient = useQueryClient();
  // The user row (whether enrolment is still required) and the status both changed.
  const done = async () => {
    await queryClient.invalidateQueries(meQuery);
    onDone();
  };
  return (
    <section className="card" aria-labelledby="codes-title">
      <h2 id="codes-title">{t('twoFactor.codesTitle')}</h2>
      <p role="status">{t('twoFactor.codesIntro')}</p>
      <ul className="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <button type="button" onClick={() => void done()}>
        {t('twoFactor.codesSaved')}
      </button>
    </section>
  );
}

function TurnOff({ recoveryCodesLeft }: { recoveryCodesLeft: number }) {
  const { t } = useTranslation('account');
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const disable = useMutation({
    mutationFn: () => api('/api/me/two-factor/disable', { method: 'POST', body: { code } }),
    onSuccess: () => queryClient.invalidateQueries(meQuery),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    disable.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="turn-off-title">
      <p role="status">{t('twoFactor.on', { count: recoveryCodesLeft })}</p>
      <h2 id="turn-off-title">{t('twoFactor.turnOffTitle')}</h2>
      <label>
        {t('code')}
        <input autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
      </label>
      <ProblemMessage error={disable.error} />
      <button type="submit" className="secondary" disabled={disable.isPending}>
        {t('twoFactor.turnOff')}
      </button>
    </form>
  );
}
