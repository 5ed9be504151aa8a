import { CLINIC_MANAGERS, principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import type { SetupProgressService } from './setup-progress-service.ts';
import { SetupProgress } from './setup-progress-schemas.ts';

export const setupRoutes = guarded<{ setupProgress: SetupProgressService }>(
  CLINIC_MANAGERS,
  async (managers, { setupProgress }) => {
    managers.get(
      '/clinic/setup-progress',
      {
        schema: {
          tags: ['clinic'],
          summary: 'What a new clinic still has to set up before customers can book (the getting-started checklist)',
          response: { 200: SetupProgress },
        },
      },
      async (request) => setupProgress.progress(principalOf(request)),
    );
  },
);
