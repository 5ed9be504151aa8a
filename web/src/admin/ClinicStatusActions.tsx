import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { ProblemMessage } from '../app/ProblemMessage.tsx';
import type { ClinicDetail } from './admin-types.ts';
import { useClinicWrite } from './clinic-writes.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

type Action = 'suspend' | 'reactivate';

/** Suspending signs out everyone at the clinic and keeps them out; both ways are confirmed first. */
export function ClinicStatusActions({ clinic }: { clinic: ClinicDetail }) {
  const { t } = useTranslation('admin');
  const [asking, setAsking] = useState(false);
  const action: Action = clinic.isActive ? 'suspend' : 'reactivate';
  const change = useClinicWrite(clinic.id, (to: Action) =>
    api<ClinicDetail>(`/api/admin/clinics/${clinic.id}/${to}`, { method: 'POST' }),
  );
  const confirm = () => change.mutate(action, { onSettled: () => setAsking(false) });
  return (
    <div className="status-actions">
      <button type="button" className={action === 'suspend' ? 'danger' : undefined} onClick={() => setAsking(true)}>
        {t(`statusAction.${action}`)}
      </button>
      <ProblemMessage error={change.error} />
      {asking && (
        <ConfirmDialog
          title={t(`statusAction.${action}Title`, { name: clinic.name })}
          confirmLabel={t(`statusAction.${action}Confirm`)}
          busy={change.isPending}
          onConfirm={confirm}
          onCancel={() => setAsking(false)}
        >
          <p>{t(`statusAction.${action}Consequence`)}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
