import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isLocale, type Locale } from '../../../src/i18n/locale-vocabulary.ts';
import { ASSIGNABLE_ON_CREATE } from '../../../src/users/role-vocabulary.ts';
import { api } from '../api/client.ts';
import { LanguageSelect } from '../i18n/LanguageSelect.tsx';
import { SeatProblem } from './SeatProblem.tsx';
import { TEAM_KEY } from './team-types.ts';

type AssignableRole = (typeof ASSIGNABLE_ON_CREATE)[number];
const isAssignable = (role: string): role is AssignableRole => (ASSIGNABLE_ON_CREATE as readonly string[]).includes(role);

/** Invites a staff member by email: they choose their own password from the emailed link. */
export function InviteForm() {
  const { t, i18n } = useTranslation('team');
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [fullName, setFullName] = useState('');
  const [role, setRole] = useState<AssignableRole>('receptionist');
  const [locale, setLocale] = useState<Locale>(isLocale(i18n.language) ? i18n.language : 'th');
  const invite = useMutation({
    mutationFn: () => api('/api/staff/invitations', { method: 'POST', body: { email, fullName, role, locale } }),
    onSuccess: async () => {
      setEmail('');
      setFullName('');
      await queryClient.invalidateQueries({ queryKey: TEAM_KEY });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="invite-title">
      <h2 id="invite-title">{t('invite.title')}</h2>
      <div className="row">
        <label>
          {t('email')}
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('name')}
          <input required maxLength={200} value={fullName} onChange={(e) => setFullName(e.target.value)} />
        </label>
        <label>
          {t('roleLabel')}
          <select value={role} onChange={(e) => isAssignable(e.target.value) && setRole(e.target.value)}>
            {ASSIGNABLE_ON_CREATE.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <LanguageSelect label={t('invite.language')} value={locale} onChange={setLocale} />
      </div>
      <SeatProblem error={invite.error} />
      {invite.isSuccess && <p role="status">{t('invite.sent')}</p>}
      <button type="submit" disabled={invite.isPending}>
        {t('invite.send')}
      </button>
    </form>
  );
}
