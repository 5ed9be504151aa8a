import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, ApiError } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { LOCALES } from '../../../src/i18n/locale-vocabulary.ts';
import { TIERS } from '../../../src/clinics/clinic-vocabulary.ts';
import { type CreatedClinic, type NewClinic } from './admin-types.ts';
import { ChoiceField, Field, fieldProblems } from './Field.tsx';

// A new clinic starts on trial unless the operator already has a signed contract.
const STARTING_STATUSES = ['trial', 'active'] as const;
// Conflicts that belong to one field are shown next to it, like the schema's complaints.
const CONFLICT_FIELDS: Record<string, string> = { 'slug-taken': 'body.slug', 'email-taken': 'body.owner.email' };

const TIME_ZONES = Intl.supportedValuesOf('timeZone');

const blank = (): NewClinic => ({
  name: '',
  slug: '',
  tier: 'starter',
  status: 'trial',
  timeZone: 'Asia/Bangkok',
  locale: 'th',
  owner: { email: '', fullName: '', password: '' },
});

/** A clinic and the owner who will run it, created together; the API checks every field. */
export function CreateClinicForm({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation('admin');
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [clinic, setClinic] = useState(blank);
  const set = (change: Partial<NewClinic>) => setClinic({ ...clinic, ...change });
  const setOwner = (change: Partial<NewClinic['owner']>) => setClinic({ ...clinic, owner: { ...clinic.owner, ...change } });
  const create = useMutation({
    mutationFn: () => api<CreatedClinic>('/api/admin/clinics', { method: 'POST', body: clinic }),
    onSuccess: async (created) => {
      queryClient.setQueryData(['admin', 'clinic', created.clinic.id], created.clinic);
      await queryClient.invalidateQueries({ queryKey: ['admin', 'clinics'] });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'performance'] });
      navigate(`/admin/clinics/${created.clinic.id}`);
    },
  });
  const problems = fieldProblems(create.error);
  const conflictField = create.error instanceof ApiError ? CONFLICT_FIELDS[create.error.code] : undefined;
  const problem = (path: string) =>
    problems.get(path) ?? (conflictField === path ? t(`problems:${(create.error as ApiError).code}`) : undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <form className="card create-clinic" onSubmit={submit} aria-labelledby="create-clinic-title" noValidate>
      <h2 id="create-clinic-title">{t('create.title')}</h2>
      <fieldset>
        <legend>{t('create.clinic')}</legend>
        <div className="form-grid">
          <Field label={t('create.name')} problem={problem('body.name')}>
            {(props) => <input {...props} value={clinic.name} maxLength={200} onChange={(e) => set({ name: e.target.value })} />}
          </Field>
          <Field label={t('create.slug')} hint={t('create.slugHint')} problem={problem('body.slug')}>
            {(props) => (
              <input
                {...props}
                value={clinic.slug}
                autoCapitalize="none"
                spellCheck={false}
                onChange={(e) => set({ slug: e.target.value })}
              />
            )}
          </Field>
          <ChoiceField
            label={t('clinics.tier')}
            problem={problem('body.tier')}
            value={clinic.tier}
            choices={TIERS}
            labelOf={(tier) => t(`tier.${tier}`)}
            onChange={(v) => set({ tier: v as NewClinic['tier'] })}
          />
          <ChoiceField
            label={t('clinics.status')}
            problem={problem('body.status')}
            value={clinic.status}
            choices={STARTING_STATUSES}
            labelOf={(s) => t(`status.${s}`)}
            onChange={(v) => set({ status: v as NewClinic['status'] })}
          />
          <Field label={t('create.timeZone')} problem={problem('body.timeZone')}>
            {(props) => (
              <>
                <input {...props} list="time-zones" value={clinic.timeZone} onChange={(e) => set({ timeZone: e.target.value })} />
                <datalist id="time-zones">
                  {TIME_ZONES.map((zone) => (
                    <option key={zone} value={zone} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <ChoiceField
            label={t('create.locale')}
            problem={problem('body.locale')}
            value={clinic.locale}
            choices={LOCALES}
            labelOf={(l) => t(`locale.${l}`)}
            onChange={(v) => set({ locale: v as NewClinic['locale'] })}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('create.owner')}</legend>
        <div className="form-grid">
          <Field label={t('create.ownerName')} problem={problem('body.owner.fullName')}>
            {(props) => (
              <input
                {...props}
                value={clinic.owner.fullName}
                autoComplete="off"
                onChange={(e) => setOwner({ fullName: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('create.ownerEmail')} problem={problem('body.owner.email')}>
            {(props) => (
              <input
                {...props}
                type="email"
                value={clinic.owner.email}
                autoComplete="off"
                onChange={(e) => setOwner({ email: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('create.ownerPassword')} problem={problem('body.owner.password')}>
            {(props) => (
              <input
                {...props}
                type="password"
                value={clinic.owner.password}
                autoComplete="new-password"
                onChange={(e) => setOwner({ password: e.target.value })}
              />
            )}
          </Field>
        </div>
      </fieldset>
      {create.isError &&
        (problems.size > 0 || conflictField ? (
          <p className="problem" role="alert">
            {t('form.fixFields')}
          </p>
        ) : (
          <ProblemMessage error={create.error} />
        ))}
      <div className="row">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? t('create.creating') : t('create.submit')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}
