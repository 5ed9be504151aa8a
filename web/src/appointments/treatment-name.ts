import { useTranslation } from 'react-i18next';
import type { Treatment } from './appointment-types.ts';

/** A treatment's name in the reader's language, else in whichever language the clinic entered it. */
export function useTreatmentName(): (name: Treatment['name']) => string {
  const { i18n } = useTranslation();
  return (name) => name[i18n.language as keyof Treatment['name']] ?? name.en ?? name.th ?? name.zh ?? '';
}
