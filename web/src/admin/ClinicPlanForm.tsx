import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { TIERS } from '../../../src/clinics/clinic-vocabulary.ts';
import { type ClinicDetail, type TierKey } from './admin-types.ts';
import { patchClinic, useClinicWrite } from './clinic-writes.ts';
import { ChoiceField, fieldProblems, SaveButton } from './Field.tsx';
import { draftOf, gibOf, LIMITS, overridesOf, type LimitDefinition, type LimitKey, type OverrideDraft } from './limits.ts';

const draftsOf = (clinic: ClinicDetail) =>
  Object.fromEntries(LIMITS.map((limit) => [limit.key, draftOf(limit, clinic.quotaOverrides)])) as Record<
    LimitKey,
    OverrideDraft
  >;

/** The clinic's plan and its own limits; a limit left empty follows the plan. */
export function ClinicPlanForm({ clinic }: { clinic: ClinicDetail }) {
  const { t } = useTranslation('admin');
  const [tier, setTier] = useState<TierKey>(clinic.tier);
  const [drafts, setDrafts] = useState(() => draftsOf(clinic));
  const save = useClinicWrite(clinic.id, patchClinic(clinic.id));
  // The plans' own limits change only with a release: fetched once per visit.
  const plans = useQuery({
    queryKey: ['admin', 'tiers'],
    queryFn: ({ signal }) => api<{ items: ClinicDetail['limits'][] }>('/api/admin/tiers', { signal }),
    staleTime: Infinity,
  });
  const plan = plans.data?.items.find((p) => p.tier === tier);
  const problems = fieldProblems(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // The form then shows what the server kept (a GiB value rounded to whole bytes, say).
    save.mutate(
      { tier, quotaOverrides: overridesOf(drafts) },
      {
        onSuccess: (saved) => {
          setTier(saved.tier);
          setDrafts(draftsOf(saved));
        },
      },
    );
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="plan-title" noValidate>
      <h2 id="plan-title">{t('plan.title')}</h2>
      <div className="inline-field">
        <ChoiceField
          label={t('clinics.tier')}
          value={tier}
          choices={TIERS}
          labelOf={(key) => t(`tier.${key}`)}
          onChange={(v) => setTier(v as TierKey)}
        />
      </div>
      <table className="limits-table">
        <thead>
          <tr>
            <th scope="col">{t('plan.limit')}</th>
            <th scope="col">{t('plan.inEffect')}</th>
            <th scope="col">{t('plan.planDefault', { tier: t(`tier.${tier}`) })}</th>
            <th scope="col">{t('plan.override')}</th>
          </tr>
        </thead>
        <tbody>
          {LIMITS.map((limit) => (
            <LimitRow
              key={limit.key}
              limit={limit}
              clinic={clinic}
              planValue={plan?.[limit.effective]}
              draft={drafts[limit.key]}
              problem={problems.get(`body.quotaOverrides.${limit.key}`)}
              onChange={(draft) => setDrafts({ ...drafts, [limit.key]: draft })}
            />
          ))}
        </tbody>
      </table>
      <p className="muted">{t('plan.emptyFollowsTier')}</p>
      {save.isError &&
        (problems.size > 0 ? (
          <p className="problem" role="alert">
            {t('form.fixFields')}
          </p>
        ) : (
          <ProblemMessage error={save.error} />
        ))}
      <div className="row">
        <SaveButton save={save} label={t('plan.save')} />
      </div>
    </form>
  );
}

function LimitRow(props: {
  limit: LimitDefinition;
  clinic: ClinicDetail;
  planValue: number | null | undefined;
  draft: OverrideDraft;
  problem: string | undefined;
  onChange: (draft: OverrideDraft) => void;
}) {
  const { limit, clinic, draft, problem, onChange } = props;
  const { t } = useTranslation('admin');
  const f = useFormat();
  const id = useId();
  const name = t(`limits.${limit.key}`);
  const shownOf = (value: number | null) =>
    value === null
      ? t('limits.unlimited')
      : limit.unit === 'gib'
        ? t('limits.gib', { value: f.number(gibOf(value), 2) })
        : f.number(value);
  const shown = shownOf(clinic.limits[limit.effective]);
  const overridden = limit.key in clinic.quotaOverrides;
  return (
    <tr>
      <th scope="row">
        <label htmlFor={id}>{name}</label>
      </th>
      <td>
        {shown}{' '}
        <span className="muted">
          {overridden ? t('plan.fromOverride') : t('plan.fromTier', { tier: t(`tier.${clinic.tier}`) })}
        </span>
      </td>
      <td>{props.planValue === undefined ? '' : shownOf(props.planValue)}</td>
      <td>
        <div className="row override">
          <input
            id={id}
            type="number"
            inputMode="decimal"
            step="any"
            value={draft.value}
            disabled={draft.unlimited}
            placeholder={t('plan.tierDefault')}
            aria-invalid={!!problem}
            aria-describedby={problem ? `${id}-problem` : undefined}
            onChange={(e) => onChange({ ...draft, value: e.target.value })}
          />
          {limit.unit === 'gib' && <span className="muted">GiB</span>}
          {limit.canBeUnlimited && (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={draft.unlimited}
                aria-label={t('plan.unlimitedOf', { limit: name })}
                onChange={(e) => onChange({ ...draft, unlimited: e.target.checked })}
              />
              {t('limits.unlimited')}
            </label>
          )}
        </div>
        {problem && (
          <small id={`${id}-problem`} className="field-problem">
            {problem}
          </small>
        )}
      </td>
    </tr>
  );
}
