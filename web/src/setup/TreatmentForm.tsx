import { useMutation, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ChoiceField, Field, fieldProblems, SaveButton } from '../admin/Field.tsx';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { LOCALES, type Locale } from '../../../src/i18n/locale-vocabulary.ts';
import { TREATMENT_CATEGORIES } from '../../../src/treatments/treatment-vocabulary.ts';
import { setupProgressQuery } from './setup-queries.ts';
import type { StaffMember, Treatment, TreatmentCategory } from './setup-types.ts';

type Texts = Record<Locale, string>;
const texts = (from: Partial<Record<Locale, string | null>> = {}): Texts => ({
  en: from.en ?? '',
  th: from.th ?? '',
  zh: from.zh ?? '',
});

/** Adds a treatment (`treatment` null) or changes one; prices are typed in baht and sent in satang. */
export function TreatmentForm({
  treatment,
  team,
  onDone,
}: {
  treatment: Treatment | null;
  team: UseQueryResult<StaffMember[]>;
  onDone: () => void;
}) {
  const { t } = useTranslation('setup');
  const queryClient = useQueryClient();
  const [names, setNames] = useState(texts(treatment?.name));
  const [descriptions, setDescriptions] = useState(texts(treatment?.descriptions));
  const [category, setCategory] = useState<TreatmentCategory>(treatment?.category ?? 'facial');
  const [duration, setDuration] = useState(String(treatment?.durationMinutes ?? 60));
  const [before, setBefore] = useState(String(treatment?.bufferBeforeMinutes ?? 0));
  const [after, setAfter] = useState(String(treatment?.bufferAfterMinutes ?? 0));
  const [price, setPrice] = useState(treatment ? String(treatment.priceSatang / 100) : '');
  const [performers, setPerformers] = useState(new Set(treatment?.staffUserIds ?? []));
  const saved = async () => {
    await queryClient.invalidateQueries({ queryKey: ['treatments'] });
    await queryClient.invalidateQueries(setupProgressQuery);
    onDone();
  };
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      treatment
        ? api<Treatment>(`/api/treatments/${treatment.id}`, { method: 'PATCH', body })
        : api<Treatment>('/api/treatments', { method: 'POST', body }),
    onSuccess: saved,
  });
  const problems = fieldProblems(save.error);
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      // An empty box is "no name in this language".
      name: Object.fromEntries(LOCALES.map((l) => [l, names[l].trim() || null])),
      descriptions,
      category,
      durationMinutes: number(duration),
      bufferBeforeMinutes: number(before),
      bufferAfterMinutes: number(after),
      priceSatang: Math.round(number(price) * 100),
      staffUserIds: [...performers],
    });
  };
  const toggleActive = useMutation({
    mutationFn: () => api(`/api/treatments/${treatment!.id}`, { method: 'PATCH', body: { isActive: !treatment!.isActive } }),
    onSuccess: saved,
  });
  const numberInput =
    (value: string, set: (v: string) => void, min: number, max: number, step = 1) =>
    (control: object) => (
      <input
        {...control}
        type="number"
        min={min}
        max={max}
        step={step}
        required
        value={value}
        onChange={(e) => set(e.target.value)}
      />
    );
  return (
    <form className="card" onSubmit={submit} aria-label={treatment ? t('treatments.editTitle') : t('treatments.addTitle')}>
      <h2>{treatment ? t('treatments.editTitle') : t('treatments.addTitle')}</h2>
      <fieldset>
        <legend>{t('treatments.names')}</legend>
        <div className="form-grid">
          {LOCALES.map((l) => (
            <Field
              key={l}
              label={t(`languages.${l}`)}
              problem={problems.get(`body.name.${l}`) ?? (l === 'en' ? problems.get('body.name') : undefined)}
            >
              {(control) => (
                <input
                  {...control}
                  maxLength={200}
                  value={names[l]}
                  onChange={(e) => setNames({ ...names, [l]: e.target.value })}
                />
              )}
            </Field>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('treatments.descriptions')}</legend>
        <div className="form-grid">
          {LOCALES.map((l) => (
            <Field key={l} label={t(`languages.${l}`)} problem={problems.get(`body.descriptions.${l}`)}>
              {(control) => (
                <textarea
                  {...control}
                  rows={3}
                  maxLength={4000}
                  value={descriptions[l]}
                  onChange={(e) => setDescriptions({ ...descriptions, [l]: e.target.value })}
                />
              )}
            </Field>
          ))}
        </div>
      </fieldset>
      <div className="form-grid">
        <ChoiceField
          label={t('treatments.category')}
          value={category}
          choices={TREATMENT_CATEGORIES}
          labelOf={(c) => t(`categories.${c}`)}
          problem={problems.get('body.category')}
          onChange={(v) => setCategory(v as TreatmentCategory)}
        />
        <Field label={t('treatments.durationMinutes')} problem={problems.get('body.durationMinutes')}>
          {numberInput(duration, setDuration, 5, 600)}
        </Field>
        <Field label={t('treatments.bufferBefore')} problem={problems.get('body.bufferBeforeMinutes')}>
          {numberInput(before, setBefore, 0, 240)}
        </Field>
        <Field label={t('treatments.bufferAfter')} problem={problems.get('body.bufferAfterMinutes')}>
          {numberInput(after, setAfter, 0, 240)}
        </Field>
        <Field label={t('treatments.priceBaht')} problem={problems.get('body.priceSatang')}>
          {numberInput(price, setPrice, 0, 100_000_000, 0.01)}
        </Field>
      </div>
      <fieldset>
        <legend>{t('treatments.performers')}</legend>
        {team.isPending ? (
          <p className="muted">{t('app:loading')}</p>
        ) : team.isError ? (
          <ProblemMessage error={team.error} />
        ) : (
          <div className="performers">
            {team.data.map((member) => (
              <label key={member.id}>
                <input
                  type="checkbox"
                  checked={performers.has(member.id)}
                  onChange={(e) => {
                    const next = new Set(performers);
                    if (e.target.checked) next.add(member.id);
                    else next.delete(member.id);
                    setPerformers(next);
                  }}
                />
                {member.fullName}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      {problems.size === 0 && <ProblemMessage error={save.error ?? toggleActive.error} />}
      <div className="row">
        <SaveButton save={save} label={treatment ? t('save') : t('treatments.create')} />
        {treatment && (
          <button type="button" className="secondary" disabled={toggleActive.isPending} onClick={() => toggleActive.mutate()}>
            {treatment.isActive ? t('deactivate') : t('reactivate')}
          </button>
        )}
        <button type="button" className="secondary" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
