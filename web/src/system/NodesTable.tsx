import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { megabytes, span } from './durations.ts';
import { SystemTable } from './SystemTable.tsx';
import type { SystemNode } from './system-types.ts';

/** One row per running process, API or worker, as it last published its figures. */
export function NodesTable({ nodes }: { nodes: SystemNode[] }) {
  const { t } = useTranslation('system');
  const f = useFormat();
  const secondsAgo = (iso: string) => Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  return (
    <SystemTable
      name="nodes"
      title={t('nodes.title')}
      columns={[
        t('nodes.node'),
        t('nodes.role'),
        { label: t('nodes.uptime'), numeric: true },
        { label: t('nodes.lastSeen'), numeric: true },
        { label: t('nodes.requests'), numeric: true },
        { label: t('nodes.inFlight'), numeric: true },
        t('nodes.pools'),
        { label: t('nodes.memory'), numeric: true },
        { label: t('nodes.cpu'), numeric: true },
        t('nodes.redis'),
      ]}
    >
      {nodes.map((n) => (
        <tr key={n.id} data-node-id={n.id}>
          <th scope="row">
            {n.host}:{n.pid}
            {n.self && <span className="muted self-mark"> ({t('nodes.self')})</span>}
          </th>
          <td>{t(`role.${n.role}`)}</td>
          <td className="number">{span(f, n.uptimeSeconds)}</td>
          <td className="number">{t('nodes.ago', { ago: span(f, secondsAgo(n.lastSeenAt)) })}</td>
          <td className="number">{n.requestsPerSecond === null ? '—' : f.number(n.requestsPerSecond, 1)}</td>
          <td className="number">{f.number(n.inFlight)}</td>
          <td>
            {n.pools.map((p) => (
              <span key={p.pool} className="pool-figure">
                {t('nodes.poolFigure', {
                  pool: t(`pools.name.${p.pool}`, { defaultValue: p.pool }),
                  total: p.total,
                  idle: p.idle,
                  waiting: p.waiting,
                })}
              </span>
            ))}
          </td>
          <td className="number">{megabytes(f, n.residentMemoryBytes)}</td>
          <td className="number">{n.cpuShare === null ? '—' : f.percent(n.cpuShare)}</td>
          <td className={n.redisFallback ? 'bad' : undefined}>{n.redisFallback ? t('nodes.fallback') : t('nodes.shared')}</td>
        </tr>
      ))}
    </SystemTable>
  );
}
