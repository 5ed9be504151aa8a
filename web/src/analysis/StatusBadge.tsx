import { useTranslation } from 'react-i18next';
import type { AnalysisStatus } from './analysis-types.ts';

export function StatusBadge({ status }: { status: AnalysisStatus }) {
  const { t } = useTranslation('analysis');
  return <span className={`badge analysis-status analysis-status-${status}`}>{t(`status.${status}`)}</span>;
}
