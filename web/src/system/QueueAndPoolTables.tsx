import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { latency, span } from './durations.ts';
import { SystemTable } from './SystemTable.tsx';
import type { SystemHealth } from './system-types.ts';

/** Every job queue as pg-boss holds it now: one table for the whole platform. */
export function QueuesTable({ queues }: { queues: SystemHealth['queues'] }) {
  const { t } = useTranslation('system');
  const f = useFormat();
  return (
    <SystemTable
      name="queues"
      title={t('queues.title')}
      columns={[
        t('queues.queue'),
        { label: t('queues.waiting'), numeric: true },
        { label: t('queues.active'), numeric: true },
        { label: t('queues.failed'), numeric: true },
        { label: t('queues.deadLettered'), numeric: true },
        { label: t('queues.oldestWaiting'), numeric: true },
      ]}
    >
      {queues.map((q) => (
        <tr key={q.queue}>
          <th scope="row">{q.queue}</th>
          <td className="number">{f.number(q.waiting)}</td>
          <td className="number">{f.number(q.active)}</td>
          <td className={`number${q.failed > 0 ? ' bad' : ''}`}>{f.number(q.failed)}</td>
          <td className={`number${q.deadLettered > 0 ? ' bad' : ''}`}>{f.number(q.deadLettered)}</td>
          <td className="number">{q.waiting > 0 ? span(f, q.oldestWaitingSeconds) : '—'}</td>
        </tr>
      ))}
    </SystemTable>
  );
}

/** Each database pool over every process: saturated when connections are all busy and callers wait. */
export function PoolsTable({ pools }: { pools: SystemHealth['pools'] }) {
  const { t } = useTranslation('system');
  const f = useFormat();
  return (
    <SystemTable
      name="pools"
      title={t('pools.title')}
      columns={[
        t('pools.pool'),
        { label: t('pools.total'), numeric: true },
        { label: t('pools.idle'), numeric: true },
        { label: t('pools.waiting'), numeric: true },
        { label: t('pools.waitP95'), numeric: true },
      ]}
    >
      {pools.map((p) => (
        <tr key={p.pool}>
          <th scope="row">{t(`pools.name.${p.pool}`, { defaultValue: p.pool })}</th>
          <td className="number">{f.number(p.total)}</td>
          <td className="number">{f.number(p.idle)}</td>
          <td className={`number${p.waiting > 0 ? ' bad' : ''}`}>{f.number(p.waiting)}</td>
          <td className="number">{latency(f, p.waitP95Seconds)}</td>
        </tr>
      ))}
    </SystemTable>
  );
}
