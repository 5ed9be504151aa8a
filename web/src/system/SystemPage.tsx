import { useTranslation } from 'react-i18next';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { latency, span } from './durations.ts';
import { NodesTable } from './NodesTable.tsx';
import { PoolsTable, QueuesTable } from './QueueAndPoolTables.tsx';
import { Sparkline } from './Sparkline.tsx';
import { useHistory, useSecondsSince, useSystemHealth, type HistoryPoint } from './system-query.ts';
import type { SystemHealth } from './system-types.ts';
import './system.css';

/** The platform's live health for super admins: every process, the queues, the pools, refreshed as processes publish. */
export function SystemPage() {
  const { t } = useTranslation('system');
  const health = useSystemHealth();
  const history = useHistory(health.data);
  const ago = useSecondsSince(health.dataUpdatedAt);
  const f = useFormat();
  const data = health.data;

  return (
    <section className="admin-page system-page">
      <div className="page-heading">
        <h1>{t('title')}</h1>
        {data && (
          <p className="muted updated" aria-live="off">
            {t('updatedAgo', { ago: span(f, ago) })}
          </p>
        )}
      </div>
      {health.isPending && <p className="loading">{t('app:loading')}</p>}
      {health.isError && !data && <ProblemMessage error={health.error} />}
      {data && (
        <>
          {health.isRefetchError && (
            <p className="problem" role="alert">
              {t('refreshFailed')}
            </p>
          )}
          <Scope health={data} />
          <Overview health={data} history={history} />
          <QueuesTable queues={data.queues} />
          <PoolsTable pools={data.pools} />
          <NodesTable nodes={data.nodes} />
        </>
      )}
    </section>
  );
}

function Scope({ health }: { health: SystemHealth }) {
  const { t } = useTranslation('system');
  if (health.singleNodeReason)
    return (
      <p className="scope-note warning" role="status">
        {t(`scope.${health.singleNodeReason}`)}
      </p>
    );
  return <p className="scope-note muted">{t('scope.platform', { count: health.nodes.length })}</p>;
}

interface Card {
  key: string;
  label: string;
  value: string;
  detail?: string;
  trend?: (number | null)[];
}

function Overview({ health, history }: { health: SystemHealth; history: HistoryPoint[] }) {
  const { t } = useTranslation('system');
  const f = useFormat();
  const { http, analyses } = health;
  const trend = (pick: (p: HistoryPoint) => number | null) => (history.length > 1 ? history.map(pick) : undefined);
  const onFallback = health.redis.nodesOnFallback;
  const cards: Card[] = [
    {
      key: 'requests',
      label: t('overview.requests'),
      value: http.requestsPerSecond === null ? '—' : t('overview.perSecond', { value: f.number(http.requestsPerSecond, 1) }),
      detail: t('overview.inFlight', { value: f.number(http.inFlight) }),
      trend: trend((p) => p.requestsPerSecond),
    },
    {
      key: 'errors',
      label: t('overview.serverErrors'),
      value: http.serverErrorShare === null ? '—' : f.percent(http.serverErrorShare),
      detail: t('overview.serverErrorsTotal', { value: f.number(http.serverErrorsTotal) }),
      trend: trend((p) => p.serverErrorShare),
    },
    {
      key: 'latency',
      label: t('overview.latency'),
      value: `${latency(f, http.p50Seconds)} / ${latency(f, http.p95Seconds)}`,
      trend: trend((p) => p.p95Seconds),
    },
    {
      key: 'jobs',
      label: t('overview.jobsWaiting'),
      value: f.number(health.queues.reduce((total, q) => total + q.waiting, 0)),
      detail: t('overview.jobsActive', { value: f.number(health.queues.reduce((total, q) => total + q.active, 0)) }),
      trend: trend((p) => p.jobsWaiting),
    },
    {
      key: 'analyses',
      label: t('overview.analysesPerMinute'),
      value: f.number(analyses.completed / analyses.windowMinutes, 1),
      detail: t('overview.analysesWindow', { completed: f.number(analyses.completed), minutes: analyses.windowMinutes }),
      trend: analyses.completedPerMinute,
    },
    {
      key: 'analysisDuration',
      label: t('overview.analysisDuration'),
      value: `${latency(f, analyses.resultP50Seconds)} / ${latency(f, analyses.resultP95Seconds)}`,
      detail: t('overview.processing', {
        p50: latency(f, analyses.processingP50Seconds),
        p95: latency(f, analyses.processingP95Seconds),
      }),
    },
    {
      key: 'analysisFailures',
      label: t('overview.analysisFailures'),
      value: f.number(analyses.failed),
      detail: t('overview.rejected', { value: f.number(analyses.rejected) }),
    },
    { key: 'streams', label: t('overview.liveStreams'), value: f.number(health.liveStreams.open) },
    {
      key: 'redis',
      label: t('overview.redis'),
      value: !health.redis.configured
        ? t('overview.redisNotConfigured')
        : onFallback > 0
          ? t('overview.redisFallback', { count: onFallback })
          : t('overview.redisShared'),
    },
  ];
  return (
    <section aria-labelledby="system-now" className="figures">
      <h2 id="system-now">{t('overview.title')}</h2>
      <p className="muted window-note">
        {t('overview.windowNote', { seconds: health.snapshotSeconds, minutes: analyses.windowMinutes })}
      </p>
      <dl className="grid figure-cards">
        {cards.map((card) => (
          <div key={card.key} className={`card figure figure-${card.key}`}>
            <dt>{card.label}</dt>
            <dd>
              <span className="figure-value">{card.value}</span>
              {card.detail && <span className="muted figure-detail">{card.detail}</span>}
              {card.trend && (
                <Sparkline values={card.trend} label={t('overview.trend', { figure: card.label, count: card.trend.length })} />
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
