import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, withQuery } from '../api/client.ts';
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

const TEAM_PAGE = 100;

/**
 * The clinic's active staff, for choosing who performs a treatment and whose hours to edit (managers
 * only). Every page of the list: most teams fit in one, an enterprise clinic's may not.
 */
export function useTeam(enabled = true) {
  return useQuery({
    queryKey: ['staff', 'team'],
    queryFn: async () => {
      const team: StaffMember[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await api<{ items: StaffMember[]; nextCursor: string | null }>(
          withQuery('/api/staff', { limit: TEAM_PAGE, cursor: cursor ?? undefined }),
        );
        team.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return team;
    },
    enabled,
  });
}
