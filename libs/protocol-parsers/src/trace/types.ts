/** The propagation format a trace context was read from. */
export type TraceFormat = 'w3c' | 'b3' | 'b3-single' | 'jaeger' | 'sw8';

/**
 * The trace context a request carried, in the ids its format uses: lower-case hex for W3C, B3 and
 * Jaeger; SkyWalking's own ids (decoded from base64) for sw8.
 */
export interface TraceContext {
  trace_id: string;
  /** The caller's span: W3C parent-id, B3/Jaeger span id, sw8 `<segment id>-<span id>`. */
  span_id: string;
  format: TraceFormat;
  /** The caller's sampling decision, when the format carries one. */
  sampled?: boolean;
  /** W3C `tracestate` list members, validated and joined with `,` (absent when missing or invalid). */
  tracestate?: string;
}

/** A header as it arrived: name in any case, value as sent. */
export type TraceHeader = readonly [name: string, value: string];
