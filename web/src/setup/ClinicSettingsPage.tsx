import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ChoiceField, Field, fieldProblems, SaveButton } from '../admin/Field.tsx';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { FormProblems } from './FormProblems.tsx';
import type { BookingRules } from '../appointments/appointment-types.ts';
import { meQuery } from '../auth/use-me.ts';
import { LOCALES } from '../../../src/i18n/locale-vocabulary.ts';
import type { OwnClinic } from './setup-types.ts';
import '../admin/admin.css';
import './setup.css';

type SignUpPolicy = NonNullable<OwnClinic['settings']>['signUpPolicy'];
// Typed against the API's schema, so a policy the server drops or adds fails the web app's type check.
const SIGN_UP_POLICIES = Object.keys({
  open: true,
  'email-verified': true,
  'invitation-only': true,
} satisfies Record<SignUpPolicy, true>) as SignUpPolicy[];
const SLOT_INTERVALS = ['5', '10', '15', '20', '30', '60'] as const;
const TIME_ZONES = Intl.supportedValuesOf('timeZone');

/** The clinic's profile, how customers join, and its booking and cancellation rules (owners and admins). */
export function ClinicSettingsPage() {
  const { t } = useTranslation('setup');
  const clinic = useQuery({ queryKey: ['clinic'], queryFn: () => api<OwnClinic>('/api/clinic') });
  const rules = useQuery({ queryKey: ['booking-rules'], queryFn: () => api<BookingRules>('/api/booking-rules') });
  return (
    <section className="setup">
      <h1>{t('clinic.title')}</h1>
      {clinic.isPending || rules.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : clinic.isError || rules.isError ? (
        <ProblemMessage error={clinic.error ?? rules.error} />
      ) : (
        <>
          <ProfileForm clinic={clinic.data} />
          <BookingRulesForm rules={rules.data} />
        </>
      )}
    </section>
  );
}

function ProfileForm({ clinic }: { clinic: OwnClinic }) {
  const { t } = useTranslation('setup');
  const queryClient = useQueryClient();
  const settings = clinic.settings!;
  const [name, setName] = useState(clinic.name);
  const [phone, setPhone] = useState(settings.contactPhone ?? '');
  const [email, setEmail] = useState(settings.contactEmail ?? '');
  const [address, setAddress] = useState(settings.address ?? '');
  const [timeZone, setTimeZone] = useState(clinic.timeZone);
  const [locale, setLocale] = useState<string>(clinic.locale);
  const [signUpPolicy, setSignUpPolicy] = useState<string>(settings.signUpPolicy);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<OwnClinic>('/api/clinic', { method: 'PATCH', body }),
    onSuccess: async (saved) => {
      queryClient.setQueryData(['clinic'], saved);
      // The shell shows the clinic's name, and pages read its time zone from the signed-in user.
      await queryClient.invalidateQueries(meQuery);
    },
  });
  const problems = fieldProblems(save.error);
  // An emptied box sends null: the setting goes back to having no value.
  const orNull = (text: string) => text.trim() || null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      name,
      timeZone,
      locale,
      settings: { contactPhone: orNull(phone), contactEmail: orNull(email), address: orNull(address), signUpPolicy },
    });
  };
  const text = (label: string, path: string, value: string, set: (v: string) => void, type = 'text') => (
    <Field label={label} problem={problems.get(path)}>
      {(control) => <input {...control} type={type} value={value} onChange={(e) => set(e.target.value)} />}
    </Field>
  );
  return (
    <form className="card" onSubmit={submit} aria-labelledby="clinic-profile">
      <h2 id="clinic-profile">{t('clinic.profile')}</h2>
      <div className="form-grid">
        {text(t('clinic.name'), 'body.name', name, setName)}
        {text(t('clinic.phone'), 'body.settings.contactPhone', phone, setPhone, 'tel')}
        {text(t('clinic.email'), 'body.settings.contactEmail', email, setEmail, 'email')}
        {text(t('clinic.address'), 'body.settings.address', address, setAddress)}
        <ChoiceField
          label={t('clinic.timeZone')}
          value={timeZone}
          choices={TIME_ZONES.includes(timeZone) ? TIME_ZONES : [timeZone, ...TIME_ZONES]}
          labelOf={(zone) => zone}
          problem={problems.get('body.timeZone')}
          onChange={setTimeZone}
        />
        <ChoiceField
          label={t('clinic.language')}
          value={locale}
          choices={LOCALES}
          labelOf={(l) => t(`languages.${l}`)}
          problem={problems.get('body.locale')}
          onChange={setLocale}
        />
        <ChoiceField
          label={t('clinic.signUpPolicy')}
          value={signUpPolicy}
          choices={SIGN_UP_POLICIES}
          labelOf={(p) => t(`clinic.policies.${p}`)}
          problem={problems.get('body.settings.signUpPolicy')}
          onChange={setSignUpPolicy}
        />
      </div>
      <p className="muted">{t('clinic.logoLater')}</p>
      {problems.size === 0 && <ProblemMessage error={save.error} />}
      <div className="row">
        <SaveButton save={save} label={t('clinic.saveProfile')} />
      </div>
    </form>
  );
}

type FeeTier = BookingRules['cancellationFees'][number];

function BookingRulesForm({ rules }: { rules: BookingRules }) {
  const { t } = useTranslation('setup');
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState(String(rules.minNoticeMinutes));
  const [advance, setAdvance] = useState(String(rules.maxAdvanceDays));
  const [interval, setInterval] = useState(String(rules.slotIntervalMinutes));
  const [fees, setFees] = useState<FeeTier[]>(rules.cancellationFees);
  const save = useMutation({
    mutationFn: (body: BookingRules) => api<BookingRules>('/api/booking-rules', { method: 'PUT', body }),
    onSuccess: (saved) => queryClient.setQueryData(['booking-rules'], saved),
  });
  const problems = fieldProblems(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      minNoticeMinutes: Number(notice),
      maxAdvanceDays: Number(advance),
      slotIntervalMinutes: Number(interval) as BookingRules['slotIntervalMinutes'],
      cancellationFees: fees,
    });
  };
  const changeFee = (index: number, patch: Partial<FeeTier>) =>
    setFees(fees.map((f, i) => (i === index ? { ...f, ...patch } : f)));
  return (
    <form className="card" onSubmit={submit} aria-labelledby="booking-rules">
      <h2 id="booking-rules">{t('clinic.bookingRules')}</h2>
      <div className="form-grid">
        <Field label={t('clinic.minNotice')} problem={problems.get('body.minNoticeMinutes')}>
          {(control) => (
            <input
              {...control}
              type="number"
              min={0}
              max={10080}
              required
              value={notice}
              onChange={(e) => setNotice(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('clinic.maxAdvance')} problem={problems.get('body.maxAdvanceDays')}>
          {(control) => (
            <input
              {...control}
              type="number"
              min={1}
              max={730}
              required
              value={advance}
              onChange={(e) => setAdvance(e.target.value)}
            />
          )}
        </Field>
        <ChoiceField
          label={t('clinic.slotInterval')}
          value={interval}
          choices={SLOT_INTERVALS}
          labelOf={(m) => t('treatments.minutes', { count: Number(m) })}
          problem={problems.get('body.slotIntervalMinutes')}
          onChange={setInterval}
        />
      </div>
      <fieldset>
        <legend>{t('clinic.cancellationPolicy')}</legend>
        <p className="muted">{t('clinic.cancellationExplain')}</p>
        {fees.map((fee, index) => (
          <div key={index} className="row" role="group" aria-label={t('clinic.feeTier', { n: index + 1 })}>
            <Field label={t('clinic.hoursBefore')}>
              {(control) => (
                <input
                  {...control}
                  type="number"
                  min={0.5}
                  max={336}
                  step={0.5}
                  required
                  value={fee.hoursBefore}
                  onChange={(e) => changeFee(index, { hoursBefore: Number(e.target.value) })}
                />
              )}
            </Field>
            <Field label={t('clinic.feePercent')}>
              {(control) => (
                <input
                  {...control}
                  type="number"
                  min={0}
                  max={100}
                  required
                  value={fee.feePercent}
                  onChange={(e) => changeFee(index, { feePercent: Number(e.target.value) })}
                />
              )}
            </Field>
            <button type="button" className="secondary" onClick={() => setFees(fees.filter((_, i) => i !== index))}>
              {t('clinic.removeTier', { n: index + 1 })}
            </button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setFees([...fees, { hoursBefore: 48, feePercent: 25 }])}>
          {t('clinic.addTier')}
        </button>
      </fieldset>
      <FormProblems error={save.error} />
      <div className="row">
        <SaveButton save={save} label={t('clinic.saveRules')} />
      </div>
    </form>
  );
}
