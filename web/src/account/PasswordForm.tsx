import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { NewPasswordField } from './NewPasswordField.tsx';

/** A new password needs the current one; the API signs every other device out. */
export function PasswordForm() {
  const { t } = useTranslation('account');
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const change = useMutation({
    mutationFn: () =>
      api<{ revokedSessions: number }>('/api/me/password', { method: 'POST', body: { currentPassword, newPassword } }),
    onSuccess: () => {
      setCurrentPassword('');
      setNewPassword('');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title">{t('password.title')}</h2>
      <label>
        {t('password.current')}
        <input
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(e) => setCurrentPassword(e.target.value)}
        />
      </label>
      <NewPasswordField label={t('newPassword')} rule={t('passwordRule')} value={newPassword} onChange={setNewPassword} />
      <ProblemMessage error={change.error} />
      {change.isSuccess && <p role="status">{t('password.changed', { count: change.data.revokedSessions })}</p>}
      <button type="submit" disabled={change.isPending}>
        {change.isPending ? t('saving') : t('password.save')}
      </button>
    </form>
  );
}
