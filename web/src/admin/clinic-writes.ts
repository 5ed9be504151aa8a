import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { ClinicChange, ClinicDetail } from './admin-types.ts';

export const clinicKey = (id: string) => ['admin', 'clinic', id] as const;

/**
 * A write that answers with the clinic as it now is. Lists, figures and the audit log show the
 * clinic's plan and status, and every write adds an entry, so they are all read again.
 */
export function useClinicWrite<V>(clinicId: string, write: (input: V) => Promise<ClinicDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: async (detail) => {
      queryClient.setQueryData(clinicKey(clinicId), detail);
      await Promise.all(
        ['clinics', 'performance', 'audit-logs'].map((list) => queryClient.invalidateQueries({ queryKey: ['admin', list] })),
      );
    },
  });
}

export const patchClinic = (clinicId: string) => (change: ClinicChange) =>
  api<ClinicDetail>(`/api/admin/clinics/${clinicId}`, { method: 'PATCH', body: change });
