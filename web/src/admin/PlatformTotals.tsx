import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import type { PlatformPerformance } from './admin-types.ts';

/** The whole platform's figures for the period, one card each. */
export function PlatformTotals({ totals }: { totals: PlatformPerformance }) {
  const { t } = useTranslation('admin');
  const f = useFormat();
  const { appointments } = totals;
  const cards: { label: string; value: string; detail?: string }[] = [
    { label: t('performance.totals.clinics'), value: f.number(totals.clinics) },
    { label: t('performance.totals.revenue'), value: f.money(totals.revenueSatang) },
    {
      label: t('performance.totals.appointments'),
      value: f.number(appointments.total),
      detail: t('performance.totals.appointmentsDetail', {
        completed: f.number(appointments.completed),
        cancelled: f.number(appointments.cancelled),
        noShow: f.number(appointments.noShow),
      }),
    },
    {
      label: t('performance.totals.noShowRate'),
      value: appointments.noShowRate === null ? '—' : f.percent(appointments.noShowRate),
    },
    {
      label: t('performance.totals.customers'),
      value: f.number(totals.customers.total),
      detail: t('performance.totals.newCustomers', { count: totals.customers.new, formatted: f.number(totals.customers.new) }),
    },
    { label: t('performance.totals.activeStaff'), value: f.number(totals.activeStaff) },
    { label: t('performance.totals.analyses'), value: f.number(totals.analysesCompleted) },
  ];
  return (
    <section aria-labelledby="platform-totals" className="figures">
      <h2 id="platform-totals">{t('performance.totals.title')}</h2>
      <dl className="grid figure-cards">
        {cards.map((card) => (
          <div key={card.label} className="card figure">
            <dt>{card.label}</dt>
            <dd>
              <span className="figure-value">{card.value}</span>
              {card.detail && <span className="muted figure-detail">{card.detail}</span>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
