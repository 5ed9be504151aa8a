import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { ERASURE_REQUESTS_KEY, type ErasureRequestList } from './data-rights-types.ts';

/** Customers waiting for the clinic to erase them (owners and admins only). */
export function useErasureRequests() {
  return useQuery({
    queryKey: ERASURE_REQUESTS_KEY,
    queryFn: ({ signal }) => api<ErasureRequestList>('/api/erasure-requests', { signal }),
  });
}
