/**
 * What one `parse` step over wire bytes produced. Parsers never throw on wire
 * input: everything they can meet on the wire is one of these four outcomes.
 *
 * - `frame`: a unit of the protocol, built from the first `consumed` bytes.
 * - `need-more`: the bytes so far are a valid prefix; nothing is consumed, and the
 *   next call must present the same bytes again followed by more.
 * - `invalid`: the bytes break the protocol; `code` names the rule, `consumed`
 *   counts the bytes examined up to and including the offending one.
 * - `ignored`: `consumed` bytes carry nothing (padding, tunnelled payload).
 */
export type ParseResult<Frame, Code extends string = string> =
  | { readonly kind: 'frame'; readonly frame: Frame; readonly consumed: number }
  | { readonly kind: 'need-more' }
  | { readonly kind: 'invalid'; readonly code: Code; readonly consumed: number }
  | { readonly kind: 'ignored'; readonly consumed: number };

export const NEED_MORE = Object.freeze({ kind: 'need-more' } as const);

export function frameResult<Frame>(frame: Frame, consumed: number): ParseResult<Frame, never> {
  return { kind: 'frame', frame, consumed };
}

export function invalidResult<Code extends string>(code: Code, consumed: number): ParseResult<never, Code> {
  return { kind: 'invalid', code, consumed };
}

export function ignoredResult(consumed: number): ParseResult<never, never> {
  return { kind: 'ignored', consumed };
}
