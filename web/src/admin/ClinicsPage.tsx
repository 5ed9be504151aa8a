import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { TIERS } from '../../../src/clinics/clinic-vocabulary.ts';
import { CLINIC_STATUSES, type ClinicListItem, type Page } from './admin-types.ts';
import { ClinicBadges, ClinicName } from './ClinicBadges.tsx';
import { CreateClinicForm } from './CreateClinicForm.tsx';
import { PlatformFeatureFlags } from './PlatformFeatureFlags.tsx';
import { ChoiceField, Field } from './Field.tsx';
import { useKeysetPages } from '../api/keyset-pages.ts';
import { LoadMore } from '../app/LoadMore.tsx';
import { useSearchState } from './search-state.ts';
import './admin.css';

/** Every clinic on the platform, newest first, found by name or slug and narrowed by status and plan. */
export function ClinicsPage() {
  const { t } = useTranslation('admin');
  const f = useFormat();
  const [search, update] = useSearchState();
  const [creating, setCreating] = useState(false);
  const filters = { q: search.get('q') ?? '', status: search.get('status') ?? '', tier: search.get('tier') ?? '' };
  const [text, setText] = useState(filters.q);
  const pages = useKeysetPages(['admin', 'clinics', filters], (cursor, signal) =>
    api<Page<ClinicListItem>>(withQuery('/api/admin/clinics', { ...filters, cursor }), { signal }),
  );
  const clinics = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const find = (event: FormEvent) => {
    event.preventDefault();
    update({ q: text.trim() });
  };

  return (
    <section className="admin-page">
      <div className="page-heading">
        <h1>{t('clinics.title')}</h1>
        <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          {t('clinics.new')}
        </button>
      </div>
      {creating && <CreateClinicForm onCancel={() => setCreating(false)} />}
      <form className="row filters" role="search" onSubmit={find}>
        <Field label={t('clinics.search')}>
          {(props) => <input {...props} type="search" value={text} maxLength={100} onChange={(e) => setText(e.target.value)} />}
        </Field>
        <button type="submit" className="secondary">
          {t('clinics.find')}
        </button>
        <ChoiceField
          label={t('clinics.status')}
          value={filters.status}
          choices={CLINIC_STATUSES}
          labelOf={(s) => t(`status.${s}`)}
          empty={{ value: '', label: t('clinics.anyStatus') }}
          onChange={(v) => update({ status: v })}
        />
        <ChoiceField
          label={t('clinics.tier')}
          value={filters.tier}
          choices={TIERS}
          labelOf={(tier) => t(`tier.${tier}`)}
          empty={{ value: '', label: t('clinics.anyTier') }}
          onChange={(v) => update({ tier: v })}
        />
      </form>
      {pages.isPending && <p className="loading">{t('app:loading')}</p>}
      {pages.isError && !pages.isFetchNextPageError && <ProblemMessage error={pages.error} />}
      {pages.isSuccess && clinics.length === 0 && <p className="muted">{t('clinics.none')}</p>}
      {clinics.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('clinics.clinic')}</th>
                <th scope="col">{t('clinics.plan')}</th>
                <th scope="col" className="number">
                  {t('clinics.activeStaff')}
                </th>
                <th scope="col" className="number">
                  {t('clinics.customers')}
                </th>
                <th scope="col">{t('clinics.analysisProvider')}</th>
                <th scope="col">{t('clinics.created')}</th>
              </tr>
            </thead>
            <tbody>
              {clinics.map((clinic) => (
                <tr key={clinic.id}>
                  <th scope="row">
                    <ClinicName clinic={clinic} />
                  </th>
                  <td>
                    <ClinicBadges tier={clinic.tier} status={clinic.status} />
                  </td>
                  <td className="number">{f.number(clinic.activeStaffCount)}</td>
                  <td className="number">{f.number(clinic.customerCount)}</td>
                  <td>{t(`provider.${clinic.effectiveAnalysisProvider}`)}</td>
                  <td>
                    <time dateTime={clinic.createdAt}>{f.date(clinic.createdAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore pages={pages} />
      <PlatformFeatureFlags />
    </section>
  );
}
