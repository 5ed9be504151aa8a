import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useKeysetPages } from '../api/keyset-pages.ts';
import { api, withQuery } from '../api/client.ts';
import type { Analysis, AnalysisPage, Comparison, ConsentStatus, ConsentText, TrendPoint } from './analysis-types.ts';

export const analysisKeys = {
  all: ['analyses'] as const,
  list: (customerId: string | undefined) => ['analyses', 'list', customerId ?? 'all'] as const,
  one: (id: string) => ['analyses', id] as const,
  consent: (customerId: string | undefined) => ['analyses', 'consent', customerId ?? 'self'] as const,
  consentText: (locale: string) => ['analyses', 'consent-text', locale] as const,
  trend: (customerId: string | undefined) => ['analyses', 'trend', customerId ?? 'self'] as const,
  compare: (a: string, b: string) => ['analyses', 'compare', a, b] as const,
  customer: (id: string) => ['analyses', 'customer', id] as const,
};

/** Newest first, a page at a time (the API pages by cursor). */
export function useAnalysesList(customerId: string | undefined) {
  return useKeysetPages(analysisKeys.list(customerId), (cursor, signal) =>
    api<AnalysisPage>(withQuery('/api/analyses', { customerId, cursor, limit: 20 }), { signal }),
  );
}

export function useAnalysis(id: string | null) {
  return useQuery({
    queryKey: analysisKeys.one(id ?? ''),
    queryFn: ({ signal }) => api<Analysis>(`/api/analyses/${id}`, { signal }),
    enabled: !!id,
  });
}

export function useTrend(customerId: string | undefined, enabled = true) {
  return useQuery({
    queryKey: analysisKeys.trend(customerId),
    queryFn: ({ signal }) => api<TrendPoint[]>(withQuery('/api/analyses/trend', { customerId, limit: 100 }), { signal }),
    enabled,
  });
}

export function useComparison(a: string, b: string) {
  return useQuery({
    queryKey: analysisKeys.compare(a, b),
    queryFn: ({ signal }) => api<Comparison>(withQuery('/api/analyses/compare', { a, b }), { signal }),
  });
}

export function useConsent(customerId: string | undefined) {
  return useQuery({
    queryKey: analysisKeys.consent(customerId),
    queryFn: ({ signal }) => api<ConsentStatus>(withQuery('/api/analysis-consent', { customerId }), { signal }),
  });
}

export function useConsentText(locale: string, enabled: boolean) {
  return useQuery({
    queryKey: analysisKeys.consentText(locale),
    queryFn: ({ signal }) => api<ConsentText>(withQuery('/api/analysis-consent/text', { locale }), { signal }),
    enabled,
    staleTime: Infinity,
  });
}

export function useGrantConsent(customerId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: ConsentText) =>
      api<ConsentStatus>('/api/analysis-consent', {
        method: 'POST',
        body: { customerId, version: text.version, locale: text.locale },
      }),
    onSuccess: (status) => queryClient.setQueryData(analysisKeys.consent(customerId), status),
  });
}

export function useWithdrawConsent(customerId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deletePhotos: boolean) =>
      api<void>(withQuery('/api/analysis-consent', { customerId, deletePhotos: deletePhotos ? 'true' : undefined }), {
        method: 'DELETE',
      }),
    // Deleted photos change every analysis page that showed them.
    onSuccess: (_, deletePhotos) =>
      queryClient.invalidateQueries({ queryKey: deletePhotos ? ['analyses'] : analysisKeys.consent(customerId) }),
  });
}

/** The name of the one customer a staff page is about (lists carry their customers' names). */
export function useCustomerName(id: string | undefined) {
  return useQuery({
    queryKey: analysisKeys.customer(id ?? ''),
    queryFn: ({ signal }) => api<{ fullName: string }>(`/api/customers/${id}`, { signal }).then((c) => c.fullName),
    enabled: !!id,
    staleTime: 5 * 60_000,
  });
}
