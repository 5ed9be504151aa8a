import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CLINIC_MANAGERS, principalOf } from '../http/authenticate.ts';
import { guarded } from '../http/guarded-scope.ts';
import { binaryResponse } from '../http/response-schemas.ts';
import type { ClinicReportService } from './clinic-report-service.ts';
import { ClinicReport, ClinicReportQuery } from './clinic-report-schemas.ts';
import { REPORT_TABLES } from './clinic-report-vocabulary.ts';

// The clinic's revenue and each staff member's figures: its owner and admins only.
export const clinicReportRoutes: FastifyPluginAsyncZod<{ reports: ClinicReportService }> = async (app, { reports }) => {
  const tags = ['reports'];
  await app.register(
    guarded(CLINIC_MANAGERS, async (managers) => {
      managers.get(
        '/reports/performance',
        {
          schema: {
            tags,
            summary:
              "The clinic's bookings, completion and no-show rates, revenue, customers and analyses over a period, against the period before it, per day, week or month, staff member and treatment",
            querystring: ClinicReportQuery,
            response: { 200: ClinicReport },
          },
        },
        async (request) => reports.report(principalOf(request), request.query),
      );
      // One literal path per table, so a link's file name already says what it holds.
      for (const table of REPORT_TABLES) {
        managers.get(
          `/reports/performance/${table}.csv`,
          {
            schema: {
              tags,
              summary: `The report's ${table === 'periods' ? 'rows per day, week or month' : `figures per ${table === 'staff' ? 'staff member' : 'treatment'}`} as a CSV file`,
              querystring: ClinicReportQuery,
              response: { 200: binaryResponse("RFC 4180 CSV in UTF-8, days in the clinic's time zone", ['text/csv']) },
            },
          },
          async (request, reply) => {
            const { filename, body } = await reports.csv(principalOf(request), request.query, table);
            return reply
              .header('content-disposition', `attachment; filename="${filename}"`)
              .header('cache-control', 'no-store')
              .type('text/csv; charset=utf-8')
              .send(body);
          },
        );
      }
    }),
  );
};
