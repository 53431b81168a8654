export { MAX_TRACE_HEADER_NAME_LENGTH, TRACE_HEADER_NAMES, extractTraceContext } from './extract.js';
export type { TraceContext, TraceFormat, TraceHeader } from './types.js';
