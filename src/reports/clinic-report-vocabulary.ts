// How a clinic report is cut and which of its tables download as CSV, free of server code so that the
// web page offers exactly what the API accepts.

export const REPORT_GROUPINGS = ['day', 'week', 'month'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

export const REPORT_TABLES = ['periods', 'staff', 'treatments'] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];
