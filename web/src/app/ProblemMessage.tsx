import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';

/**
 * An API error in the reader's language: the translation of its problem code when we have one,
 * else the server's own words, which name what to fix.
 */
export function ProblemMessage({ error }: { error: unknown }) {
  const { t } = useTranslation('problems');
  if (!error) return null;
  const text =
    error instanceof ApiError
      ? t(error.code, { defaultValue: error.detail ?? error.title })
      : t('network', { defaultValue: 'The server could not be reached. Check your connection and try again.' });
  return (
    <p className="problem" role="alert">
      {text}
    </p>
  );
}
