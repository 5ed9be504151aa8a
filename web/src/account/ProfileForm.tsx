import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../src/i18n/locale-vocabulary.ts';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { meQuery, useSignedIn } from '../auth/use-me.ts';
import { chooseLanguage } from '../i18n/i18n.ts';
import { LanguageSelect } from '../i18n/LanguageSelect.tsx';

/** Name, phone and language of the signed-in user. */
export function ProfileForm() {
  const { t } = useTranslation('account');
  const me = useSignedIn();
  const queryClient = useQueryClient();
  const [fullName, setFullName] = useState(me.fullName);
  const [phone, setPhone] = useState(me.phone ?? '');
  const [locale, setLocale] = useState<Locale>(me.locale);
  const save = useMutation({
    mutationFn: () => api('/api/me', { method: 'PATCH', body: { fullName, phone: phone.trim() === '' ? null : phone, locale } }),
    onSuccess: async () => {
      await chooseLanguage(locale);
      await queryClient.invalidateQueries(meQuery);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="profile-title">
      <h2 id="profile-title">{t('profile.title')}</h2>
      <p className="muted">{me.email}</p>
      <label>
        {t('profile.fullName')}
        <input required maxLength={200} value={fullName} onChange={(e) => setFullName(e.target.value)} />
      </label>
      <label>
        {t('profile.phone')}
        <input type="tel" autoComplete="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
      </label>
      <LanguageSelect label={t('profile.language')} value={locale} onChange={setLocale} />
      <ProblemMessage error={save.error} />
      {save.isSuccess && <p role="status">{t('profile.saved')}</p>}
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? t('saving') : t('profile.save')}
      </button>
    </form>
  );
}
