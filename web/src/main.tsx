import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api/client.ts';
import { App, startOpeningPage } from './app/App.tsx';
import { languageReady } from './i18n/i18n.ts';
import './app/styles.css';

const queryClient = new QueryClient({
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
