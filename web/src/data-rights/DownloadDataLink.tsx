import { useTranslation } from 'react-i18next';

/**
 * The customer's archive (data.json and their photos): a plain link, so the browser saves the ZIP as the
 * API streams it instead of the page holding it in memory. Without `customerId`, the signed-in customer's own.
 */
export function DownloadDataLink({ customerId }: { customerId?: string }) {
  const { t } = useTranslation('data-rights');
  return customerId ? (
    <a href={`/api/customers/${customerId}/export`} download className="button secondary">
      {t('export.staffLink')}
    </a>
  ) : (
    <a href="/api/customers/me/export" download className="button">
      {t('export.mine')}
    </a>
  );
}
