import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { isStaffRole } from '../../../src/users/role-vocabulary.ts';
import { useSignedIn } from '../auth/use-me.ts';
import { useFormat } from '../i18n/format.ts';
import { isFinished } from '../../../src/analysis/analysis-vocabulary.ts';
import { useAnalysis, useCustomerName } from './analysis-queries.ts';
import type { Analysis, AnalysisResult } from './analysis-types.ts';
import { ConcernScores } from './ConcernScores.tsx';
import { FailureReason } from './FailureReason.tsx';
import { HeatmapViewer } from './HeatmapViewer.tsx';
import { LiveProgress } from './LiveProgress.tsx';
import { QualityProblems } from './QualityProblems.tsx';
import { Recommendations } from './Recommendations.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { useAnalysisProgress } from './use-analysis-progress.ts';
import './analysis.css';

/** One analysis: its result, or why there is none, or its live progress while it runs. */
export function AnalysisPage() {
  const { t } = useTranslation('analysis');
  const { id } = useParams<{ id: string }>();
  const me = useSignedIn();
  const staff = isStaffRole(me.role);
  const format = useFormat(me.clinic?.timeZone);
  const analysis = useAnalysis(id);
  const running = !!analysis.data && !isFinished(analysis.data.status);
  const progress = useAnalysisProgress(id, running);
  const customerName = useCustomerName(staff ? analysis.data?.customerId : undefined);

  if (analysis.isPending) return <p className="loading">{t('app:loading')}</p>;
  if (analysis.isError) return <ProblemMessage error={analysis.error} />;
  const a = analysis.data;
  return (
    <article className="analysis-page">
      <p>
        <Link href={withQuery('/analyses', { customerId: staff ? a.customerId : undefined })}>
          {staff ? t('backToCustomer') : t('backToList')}
        </Link>
      </p>
      <h1>{customerName.data ? t('result.titleFor', { name: customerName.data }) : t('result.title')}</h1>
      <p className="muted">
        {t('result.takenAt', { date: format.dateTime(a.createdAt) })} <StatusBadge status={a.status} />
      </p>
      {running && <LiveProgress state={progress} />}
      {a.status === 'rejected' && a.quality && <QualityProblems problems={a.quality.problems} />}
      {a.status === 'failed' && a.failure && <FailureReason failure={a.failure} />}
      {a.status === 'completed' && a.result && <Result analysis={a} result={a.result} />}
    </article>
  );
}

function Result({ analysis, result }: { analysis: Analysis; result: AnalysisResult }) {
  // Customers book for themselves; staff book from the day page.
  const canBook = useSignedIn().role === 'customer';
  const { t } = useTranslation('analysis');
  const format = useFormat();
  return (
    <>
      <dl className="result-summary">
        <div className="card">
          <dt>{t('result.overall')}</dt>
          <dd className="overall-score">{result.overallScore}</dd>
        </div>
        <div className="card">
          <dt>{t('result.skinAge')}</dt>
          <dd>{result.skinAge === null ? t('result.notEstimated') : t('result.years', { count: Math.round(result.skinAge) })}</dd>
          <dd className="muted hint">{t('result.skinAgeHint')}</dd>
        </div>
        <div className="card">
          <dt>{t('result.skinType')}</dt>
          <dd>{t(`skinType.${result.skinType}`)}</dd>
          <dd className="muted hint">{t('result.skinTypeHint')}</dd>
        </div>
        {analysis.skinTone && (
          <div className="card" data-skin-tone={analysis.skinTone.band}>
            <dt>{t('result.skinTone')}</dt>
            <dd>
              {t('result.skinToneValue', {
                band: t(`skinToneBand.${analysis.skinTone.band}`),
                ita: format.number(analysis.skinTone.ita, 1),
              })}
            </dd>
            <dd className="muted hint">{t('result.skinToneHint')}</dd>
          </div>
        )}
        <div className="card">
          <dt>{t('result.confidence')}</dt>
          <dd>{format.percent(result.confidence)}</dd>
          <dd className="muted hint">{t('result.confidenceHint')}</dd>
        </div>
      </dl>
      <p className="muted">{t('result.scale')}</p>
      <section aria-labelledby="heatmap-title">
        <h2 id="heatmap-title">{t('result.photo')}</h2>
        {analysis.imagesDeleted ? (
          <p className="muted">{t('result.photosDeleted')}</p>
        ) : (
          <HeatmapViewer image={analysis.image} result={result} />
        )}
      </section>
      <section aria-labelledby="concerns-title">
        <h2 id="concerns-title">{t('result.concerns')}</h2>
        <ConcernScores concerns={result.concerns} />
      </section>
      <section aria-labelledby="recommendations-title">
        <h2 id="recommendations-title">{t('result.recommendations')}</h2>
        <Recommendations recommendations={analysis.recommendations} canBook={canBook} />
      </section>
    </>
  );
}
