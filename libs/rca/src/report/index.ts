export { type ReportInput, buildReport, summarizeReport } from './build.js';
export { type SuspectExtras, suspectEvidence } from './evidence.js';
export type { RankedRootCause, RcaReport, RcaReportSummary, SeriesRef, SlowStatement } from './types.js';
