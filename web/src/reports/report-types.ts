import type { z } from 'zod';
import type { ClinicReport as ClinicReportSchema, ClinicReportQuery } from '../../../src/reports/clinic-report-schemas.ts';

export {
  REPORT_GROUPINGS,
  REPORT_TABLES,
  type ReportGrouping,
  type ReportTable,
} from '../../../src/reports/clinic-report-vocabulary.ts';
export type ClinicReport = z.output<typeof ClinicReportSchema>;
export type ReportQuery = Pick<z.input<typeof ClinicReportQuery>, 'from' | 'to' | 'groupBy'> & { days?: number };
export type PeriodFigures = ClinicReport['summary']['current'];
export type StaffFigures = ClinicReport['staff'][number];
export type TreatmentFigures = ClinicReport['treatments'][number];
