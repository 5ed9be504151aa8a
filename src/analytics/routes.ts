import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ClinicAnalyticsService } from './clinic-analytics-service.ts';
import { principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { requestMeta } from '../http/request-meta.ts';
import { ClinicAnalyticsPage, ClinicAnalyticsQuery } from './clinic-analytics-schemas.ts';

// Crosses every clinic: the platform role, an audit entry per call, super admins only.
export const analyticsRoutes: FastifyPluginAsyncZod<{ analytics: ClinicAnalyticsService }> = async (app, { analytics }) => {
  await app.register(
    guarded(['super_admin'], async (admin) => {
      admin.get(
        '/admin/analytics/clinics',
        {
          schema: {
            tags: ['admin: analytics'],
            summary:
              "Every clinic's staff, customers, appointments, revenue and analyses over a period, ranked by one of them, with the platform's totals",
            querystring: ClinicAnalyticsQuery,
            response: { 200: ClinicAnalyticsPage },
          },
        },
        async (request) => analytics.clinicPerformance(principalOf(request), request.query, requestMeta(request)),
      );
    }),
  );
};
