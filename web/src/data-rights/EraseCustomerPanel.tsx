import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api } from '../api/client.ts';
import { ConfirmDialog } from '../admin/ConfirmDialog.tsx';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { useErasureRequests } from './data-rights-queries.ts';
import { ERASURE_REQUESTS_KEY } from './data-rights-types.ts';

/**
 * For owners and admins on a customer's page: whether the customer asked to be forgotten, and the
 * erasure itself, confirmed first because it cannot be undone.
 */
export function EraseCustomerPanel({ customerId, name, timeZone }: { customerId: string; name: string; timeZone: string }) {
  const { t } = useTranslation('data-rights');
  const format = useFormat(timeZone);
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [asking, setAsking] = useState(false);
  const requests = useErasureRequests();
  const requested = requests.data?.items.find((r) => r.customerId === customerId);
  const erase = useMutation({
    mutationFn: () => api<void>(`/api/customers/${customerId}/erasure`, { method: 'POST' }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['customers'] });
      await queryClient.invalidateQueries({ queryKey: ERASURE_REQUESTS_KEY });
      navigate('/customers');
    },
    onSettled: () => setAsking(false),
  });
  return (
    <section className="card erase-customer" aria-labelledby="erase-customer-title">
      <h2 id="erase-customer-title">{t('erase.title')}</h2>
      {requested && <p role="status">{t('erase.requested', { date: format.date(requested.requestedAt) })}</p>}
      <p>{t('erase.explain')}</p>
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        {t('erase.button')}
      </button>
      <ProblemMessage error={erase.error} />
      {asking && (
        <ConfirmDialog
          title={t('erase.confirmTitle', { name })}
          confirmLabel={t('erase.confirm')}
          busy={erase.isPending}
          onConfirm={() => erase.mutate()}
          onCancel={() => setAsking(false)}
        >
          <p>{t('erase.consequence')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
