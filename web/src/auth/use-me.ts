import { queryOptions, useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import type { z } from 'zod';
import type { MeResponse } from '../../../src/auth/auth-schemas.ts';
import { api, ApiError } from '../api/client.ts';

export type Me = z.output<typeof MeResponse>;
export type Role = Me['role'];

/** The signed-in user, or null when nobody is signed in. */
export const meQuery = queryOptions({
  queryKey: ['me'],
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

export function useMe() {
  return useQuery(meQuery);
}

/**
 * The signed-in user as the app shell last rendered it. Pages read it from here, not from the query:
 * while sign-out resets the cache the query has no user, but the page is still mounted until the
 * shell swaps it for the sign-in form, and must not fail in that moment.
 */
export const SignedInUser = createContext<Me | null>(null);

/** The signed-in user; only for pages inside the signed-in shell. */
export function useSignedIn(): Me {
  const me = useContext(SignedInUser);
  if (!me) throw new Error('useSignedIn outside the signed-in shell');
  return me;
}

/** The signed-in member of a clinic, or undefined for a super admin who opened a clinic page. */
export function useClinicMember(): (Me & { clinic: NonNullable<Me['clinic']> }) | undefined {
  const me = useSignedIn();
  return me.clinic ? { ...me, clinic: me.clinic } : undefined;
}
