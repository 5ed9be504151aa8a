import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { withQuery } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { isStaffRole } from '../../../src/users/role-vocabulary.ts';
import { useSignedIn } from '../auth/use-me.ts';
import { useFormat } from '../i18n/format.ts';
import { useConsent, useCustomerName, useWithdrawConsent } from './analysis-queries.ts';
import { ConsentStep } from './ConsentStep.tsx';
import { CustomerPicker } from './CustomerPicker.tsx';
import { PhotoStep } from './PhotoStep.tsx';
import './analysis.css';

/** A customer analyses their own skin; staff analyse a customer's, named by ?customerId=. */
export function NewAnalysisPage() {
  const { t } = useTranslation('analysis');
  const me = useSignedIn();
  const staff = isStaffRole(me.role);
  const [params] = useSearchParams();
  const customerId = staff ? (params.get('customerId') ?? undefined) : undefined;
  const customerName = useCustomerName(customerId);
  const back = withQuery('/analyses', { customerId });
  return (
    <article className="analysis-page">
      <p>
        <Link href={back}>{t('backToList')}</Link>
      </p>
      <h1>{customerName.data ? t('new.titleFor', { name: customerName.data }) : t('new.title')}</h1>
      <ProblemMessage error={customerName.error} />
      {staff && !customerId ? (
        <CustomerPicker />
      ) : (
        <ConsentThenPhoto customerId={customerId} onBehalf={staff} timeZone={me.clinic?.timeZone} />
      )}
    </article>
  );
}

function ConsentThenPhoto({
  customerId,
  onBehalf,
  timeZone,
}: {
  customerId: string | undefined;
  onBehalf: boolean;
  timeZone: string | undefined;
}) {
  const { t } = useTranslation('analysis');
  const format = useFormat(timeZone);
  const consent = useConsent(customerId);
  const withdraw = useWithdrawConsent(customerId);
  const [confirming, setConfirming] = useState(false);
  const [deletePhotos, setDeletePhotos] = useState(false);
  if (consent.isPending) return <p className="loading">{t('app:loading')}</p>;
  if (consent.isError) return <ProblemMessage error={consent.error} />;
  if (!consent.data.granted) return <ConsentStep customerId={customerId} onBehalf={onBehalf} />;
  return (
    <>
      <PhotoStep customerId={customerId} timeZone={timeZone} />
      <p className="muted consent-on-record">
        {consent.data.grantedAt && t('consent.given', { date: format.dateTime(consent.data.grantedAt) })}{' '}
        {confirming ? (
          <>
            {t('consent.withdrawConfirm')}{' '}
            <label className="delete-photos">
              <input type="checkbox" checked={deletePhotos} onChange={(e) => setDeletePhotos(e.target.checked)} />{' '}
              {t('consent.deletePhotos')}
            </label>{' '}
            <button
              type="button"
              className="secondary"
              disabled={withdraw.isPending}
              onClick={() => withdraw.mutate(deletePhotos, { onSettled: () => setConfirming(false) })}
            >
              {t('consent.withdrawYes')}
            </button>{' '}
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t('consent.withdrawNo')}
            </button>
          </>
        ) : (
          <button type="button" className="secondary" onClick={() => setConfirming(true)}>
            {t('consent.withdraw')}
          </button>
        )}
      </p>
      <ProblemMessage error={withdraw.error} />
    </>
  );
}
