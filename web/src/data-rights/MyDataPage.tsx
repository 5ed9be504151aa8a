import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ConfirmDialog } from '../admin/ConfirmDialog.tsx';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useClinicMember } from '../auth/use-me.ts';
import { useFormat } from '../i18n/format.ts';
import { DownloadDataLink } from './DownloadDataLink.tsx';
import { OWN_ERASURE_REQUEST_KEY, type OwnErasureRequest } from './data-rights-types.ts';

/** A customer's rights over what the clinic holds about them: a copy of it, and asking to be forgotten. */
export function MyDataPage() {
  const { t } = useTranslation('data-rights');
  const member = useClinicMember();
  const format = useFormat(member?.clinic.timeZone ?? 'UTC');
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const own = useQuery({
    queryKey: OWN_ERASURE_REQUEST_KEY,
    queryFn: ({ signal }) => api<OwnErasureRequest>('/api/customers/me/erasure-request', { signal }),
  });
  const request = useMutation({
    mutationFn: () => api<OwnErasureRequest>('/api/customers/me/erasure-request', { method: 'POST' }),
    onSuccess: (answer) => queryClient.setQueryData(OWN_ERASURE_REQUEST_KEY, answer),
    onSettled: () => setAsking(false),
  });
  return (
    <section className="my-data">
      <h1>{t('mine.title')}</h1>
      <section className="card" aria-labelledby="download-my-data-title">
        <h2 id="download-my-data-title">{t('export.title')}</h2>
        <p>{t('export.explain')}</p>
        <DownloadDataLink />
      </section>
      <section className="card" aria-labelledby="forget-me-title">
        <h2 id="forget-me-title">{t('mine.forgetTitle')}</h2>
        <p>{t('mine.forgetExplain')}</p>
        {own.isPending ? (
          <p className="muted">{t('app:loading')}</p>
        ) : own.isError ? (
          <ProblemMessage error={own.error} />
        ) : own.data.requestedAt ? (
          <p role="status">{t('mine.requested', { date: format.date(own.data.requestedAt) })}</p>
        ) : (
          <button type="button" className="danger" onClick={() => setAsking(true)}>
            {t('mine.forgetButton')}
          </button>
        )}
        <ProblemMessage error={request.error} />
      </section>
      {asking && (
        <ConfirmDialog
          title={t('mine.confirmTitle')}
          confirmLabel={t('mine.confirm')}
          busy={request.isPending}
          onConfirm={() => request.mutate()}
          onCancel={() => setAsking(false)}
        >
          <p>{t('mine.consequence')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
