import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ProgressState } from './use-analysis-progress.ts';

/** The stage an analysis is in and how far along it is, announced to screen readers as it changes. */
/** `analysisId` links to the analysis page when the live stream is lost. */
export function LiveProgress({ state, analysisId }: { state: ProgressState; analysisId?: string }) {
  const { t } = useTranslation('analysis');
  const { event, lost } = state;
  return (
    <div className="live-progress">
      <p role="status" aria-live="polite" className="live-progress-stage">
        {event ? t('progress.stage', { stage: t(`status.${event.status}`), percent: event.progress }) : t('progress.connecting')}
      </p>
      <progress aria-label={t('progress.label')} max={100} value={event?.progress ?? 0} />
      {lost && (
        <p className="problem" role="alert">
          {t('progress.lost')} {analysisId && <Link href={`/analyses/${analysisId}`}>{t('progress.open')}</Link>}
        </p>
      )}
    </div>
  );
}
