import { useTranslation } from 'react-i18next';
import type { AppointmentStatus } from './appointment-types.ts';
import './status-badge.css';

export function StatusBadge({ status }: { status: AppointmentStatus }) {
  const { t } = useTranslation('appointments');
  return <span className={`badge status status-${status}`}>{t(`status.${status}`)}</span>;
}
