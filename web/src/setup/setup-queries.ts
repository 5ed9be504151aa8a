import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { useSignedIn } from '../auth/use-me.ts';
import type { SetupProgress, StaffMember } from './setup-types.ts';

/** Owners and admins change the clinic's setup; the API answers 403 to anyone else. */
export function useCanManage(): boolean {
  const me = useSignedIn();
  return me.role === 'clinic_owner' || me.role === 'clinic_admin';
}

export const setupProgressQuery = queryOptions({
  queryKey: ['setup-progress'],
  queryFn: () => api<SetupProgress>('/api/clinic/setup-progress'),
});

// A clinic's team fits in one page of the staff list (the largest plan's user limit is 20).
const TEAM_PAGE = 100;

/** The clinic's active staff, for choosing who performs a treatment and whose hours to edit (managers only). */
export function useTeam(enabled = true) {
  return useQuery({
    queryKey: ['staff', 'team'],
    queryFn: async () => (await api<{ items: StaffMember[] }>(`/api/staff?limit=${TEAM_PAGE}`)).items,
    enabled,
  });
}
