import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api/client.ts';
import { App, startOpeningPage } from './app/App.tsx';
import { meQuery } from './auth/use-me.ts';
import { languageReady } from './i18n/i18n.ts';
import './app/styles.css';

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    // A session held to two-factor enrolment since the user was last read (a role or a setting
    // changed): reading the user again takes the app to the enrolment page.
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'two-factor-enrolment-required')
        void queryClient.invalidateQueries(meQuery);
    },
  }),
  defaultOptions: {
    queries: {
      // Show the cached answer at once and refresh it behind: lists stay instant on navigation.
      staleTime: 30_000,
      // A client error will not change by asking again; a network blip or a 5xx may.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
    },
  },
});

startOpeningPage(queryClient);
// The opening page's data is already on its way; the first render waits for the reader's strings
// only. Should they fail to arrive, keys are still better than a blank page.
void languageReady
  .catch(() => undefined)
  .then(() =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </StrictMode>,
    ),
  );
