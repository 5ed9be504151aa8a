import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { MeResponse } from '../../../src/auth/auth-schemas.ts';
import { api, ApiError } from '../api/client.ts';

export type Me = z.output<typeof MeResponse>;
export type Role = Me['role'];
export const STAFF_ROLES: readonly Role[] = ['clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist'];

export const ME_KEY = ['me'];

/** The signed-in user, or null when nobody is signed in. */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      try {
        return await api<Me>('/api/me');
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 5 * 60_000,
  });
}

/** The signed-in user; only for pages that render after sign-in. */
export function useSignedIn(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useSignedIn outside a signed-in page');
  return data;
}

export const isStaff = (role: Role) => STAFF_ROLES.includes(role);
