import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import { useFormat } from '../i18n/format.ts';
import { useBookingRules, useCancellationQuote } from './appointment-queries.ts';
import type { Appointment } from './appointment-types.ts';
import { CancellationPolicy } from './CancellationPolicy.tsx';
import './panels.css';

interface CancelPanelProps {
  appointment: Appointment;
  /** Owners and admins may waive the fee (the API refuses anyone else). */
  canWaiveFee: boolean;
  onCancelled(appointment: Appointment): void;
  onClose(): void;
}

/** Shows what cancelling costs now under the clinic's policy, and cancels once the reader accepts it. */
export function CancelPanel({ appointment, canWaiveFee, onCancelled, onClose }: CancelPanelProps) {
  const { t } = useTranslation('appointments');
  const format = useFormat();
  const quote = useCancellationQuote(appointment.id);
  const rules = useBookingRules();
  const [reason, setReason] = useState('');
  const [waive, setWaive] = useState(false);
  const fee = quote.data?.feeSatang ?? 0;
  const cancel = useMutation({
    mutationFn: () =>
      api<Appointment>(`/api/appointments/${appointment.id}/cancel`, {
        method: 'POST',
        body: {
          ...(reason.trim() ? { reason: reason.trim() } : {}),
          ...(waive ? { waiveFee: true } : fee > 0 ? { acceptFeeSatang: fee } : {}),
        },
      }),
    onSuccess: onCancelled,
    // The fee went up while the reader was deciding: show the new one to accept.
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'fee-confirmation-required') void quote.refetch();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    cancel.mutate();
  };
  const charged = fee > 0 && !waive;
  return (
    <form className="action-panel" onSubmit={submit} aria-label={t('cancelTitle')}>
      <h3>{t('cancelTitle')}</h3>
      {quote.isPending ? (
        <p className="muted">{t('app:loading')}</p>
      ) : quote.isError ? (
        <ProblemMessage error={quote.error} />
      ) : (
        <p className="fee" data-testid="cancellation-fee">
          {fee > 0 ? t('feeNow', { fee: format.money(fee), percent: quote.data.feePercent }) : t('freeNow')}
        </p>
      )}
      {rules.data && <CancellationPolicy tiers={rules.data.cancellationFees} />}
      <label>
        {t('reason')}
        <textarea value={reason} maxLength={500} rows={2} onChange={(e) => setReason(e.target.value)} />
      </label>
      {canWaiveFee && fee > 0 && (
        <label className="checkbox">
          <input type="checkbox" checked={waive} onChange={(e) => setWaive(e.target.checked)} />
          {t('waiveFee')}
        </label>
      )}
      <ProblemMessage error={cancel.error} />
      <div className="row">
        <button type="submit" disabled={!quote.isSuccess || cancel.isPending}>
          {charged ? t('confirmCancelWithFee', { fee: format.money(fee) }) : t('confirmCancel')}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          {t('keepAppointment')}
        </button>
      </div>
    </form>
  );
}
