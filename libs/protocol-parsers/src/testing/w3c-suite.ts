import { type PyValue, evalPython } from './python-expr.js';

/**
 * Reads the W3C trace-context conformance suite (test.py, which drives a live service) as data:
 * the headers each request sends and what the suite asserts about the trace context the service
 * propagates. For a passive observer, "propagates trace id X" means we extract X, and "restarts the
 * trace" means we extract nothing.
 */
export type W3cExpectation =
  | { kind: 'trace-id'; equals: string }
  | { kind: 'trace-id-not'; value: string }
  | { kind: 'tracestate-key'; key: string; value: string | null }
  | { kind: 'tracestate-no-key'; key: string }
  | { kind: 'tracestate-size'; size: number }
  | { kind: 'tracestate-contains'; anyOf: string[] }
  | { kind: 'tracestate-order'; before: string; after: string }
  | { kind: 'tracestate-not-empty-string' }
  | { kind: 'tracestate-size-equals-case'; otherCase: number };

export interface W3cCase {
  /** `test_method#n`: the n-th request the method sends. */
  name: string;
  headers: Array<[string, string]>;
  expectations: W3cExpectation[];
}

export interface W3cSkipped {
  test: string;
  assertion: string;
  reason: string;
}

export interface W3cSuite {
  testMethods: string[];
  cases: W3cCase[];
  /** Assertions about what the service itself mints (new span ids, callbacks), not about parsing. */
  skipped: W3cSkipped[];
}

const NOT_PARSING: ReadonlyArray<[RegExp, string]> = [
  [/^self\.assertNotEqual\(traceparent\.parent_id\.hex\(\)/, 'the service must mint its own span id; an observer reports the caller\'s'],
  [/^self\.assertEqual\(len\((trace_ids|parent_ids)\), \d+\)$/, 'counts the ids the service minted across callbacks'],
  [/^self\.assert_bit_set\(/, 'the random flag (level 2) is not part of TraceContext; the trace id assertion covers the case'],
];

const IGNORED_STATEMENTS = [/^(trace_ids|parent_ids) = set\(\)$/, /^(trace_ids|parent_ids)\.add\(/, /^traceparent = self\.get_traceparent\(/];

export function readW3cSuite(testPy: string): W3cSuite {
  const suite: W3cSuite = { testMethods: [], cases: [], skipped: [] };
  const methods = testPy.split(/\n\tdef (test_\w+)\(self\):/);
  for (let m = 1; m < methods.length; m += 2) {
    const test = methods[m] ?? '';
    const body = (methods[m + 1] ?? '').split(/\n\s*@|\nclass |\nif __name__/)[0] ?? '';
    suite.testMethods.push(test);
    readMethod(test, body.replace(/'''[\s\S]*?'''/g, ''), suite);
  }
  return suite;
}

function readMethod(test: string, body: string, suite: W3cSuite): void {
  const env = new Map<string, PyValue>();
  const caseOf = new Map<string, W3cCase>();
  let n = 0;
  const open = (headersSrc: string, vars: string[]): void => {
    const headers = evalPython(headersSrc, env);
    if (!Array.isArray(headers)) throw new Error(`w3c suite ${test}: headers are not a list`);
    const c: W3cCase = { name: `${test}#${n++}`, headers: headers.map((h) => pair(test, h)), expectations: [] };
    suite.cases.push(c);
    for (const v of vars) caseOf.set(v, c);
  };
  const target = (v: string): W3cCase => {
    const c = caseOf.get(v);
    if (c === undefined) throw new Error(`w3c suite ${test}: assertion on ${v} before any request`);
    return c;
  };
  const ev = (src: string): string => String(evalPython(src, env));
  for (const stmt of statements(body)) {
    let g: RegExpExecArray | null;
    if ((g = /^(\w+), (\w+) = self\.make_single_request_and_get_tracecontext\((.*)\)$/.exec(stmt)) !== null) {
      open(g[3] ?? '', ['traceparent', g[2] ?? '', 'trace_ids']);
    } else if ((g = /^for \w+ in self\.make_request\((.*), \d+\):$/.exec(stmt)) !== null) {
      open(g[1] ?? '', ['traceparent', 'trace_ids']);
    } else if (IGNORED_STATEMENTS.some((r) => r.test(stmt))) {
      continue;
    } else if ((g = /^(\w+) = (.*)$/.exec(stmt)) !== null) {
      env.set(g[1] ?? '', evalPython(g[2] ?? '', env));
    } else if (stmt.startsWith('self.assert')) {
      const skip = NOT_PARSING.find(([r]) => r.test(stmt));
      if (skip !== undefined) {
        suite.skipped.push({ test, assertion: stmt, reason: skip[1] });
        continue;
      }
      const [varName, expectation] = assertion(stmt, ev, (v) => suite.cases.indexOf(target(v)));
      target(varName).expectations.push(expectation);
    } else {
      throw new Error(`w3c suite ${test}: statement not understood: ${stmt}`);
    }
  }
}

function assertion(s: string, ev: (src: string) => string, caseIndex: (v: string) => number): [string, W3cExpectation] {
  let g: RegExpExecArray | null;
  if ((g = /^self\.assertEqual\(traceparent\.trace_id\.hex\(\), (.+)\)$/.exec(s)) !== null) return ['traceparent', { kind: 'trace-id', equals: ev(g[1] ?? '') }];
  if ((g = /^self\.assertNotEqual\(traceparent\.trace_id\.hex\(\), (.+)\)$/.exec(s)) !== null) return ['traceparent', { kind: 'trace-id-not', value: ev(g[1] ?? '') }];
  if ((g = /^self\.assertTrue\((.+) in trace_ids\)$/.exec(s)) !== null) return ['trace_ids', { kind: 'trace-id', equals: ev(g[1] ?? '') }];
  if ((g = /^self\.assertFalse\((.+) in trace_ids\)$/.exec(s)) !== null) return ['trace_ids', { kind: 'trace-id-not', value: ev(g[1] ?? '') }];
  if ((g = /^self\.assertIn\((.+), (\w+)\)$/.exec(s)) !== null) return [g[2] ?? '', { kind: 'tracestate-key', key: ev(g[1] ?? ''), value: null }];
  if ((g = /^self\.assertEqual\(len\((\w+)\), len\((\w+)\)\)$/.exec(s)) !== null) {
    return [g[1] ?? '', { kind: 'tracestate-size-equals-case', otherCase: caseIndex(g[2] ?? '') }];
  }
  if ((g = /^self\.assertEqual\(len\((\w+)\), (\d+)\)$/.exec(s)) !== null) return [g[1] ?? '', { kind: 'tracestate-size', size: Number(g[2]) }];
  if ((g = /^self\.assertEqual\((\w+)\[(.+)\], (.+)\)$/.exec(s)) !== null) {
    return [g[1] ?? '', { kind: 'tracestate-key', key: ev(g[2] ?? ''), value: ev(g[3] ?? '') }];
  }
  if ((g = /^self\.assertRaises\(KeyError, lambda: (\w+)\[(.+)\]\)$/.exec(s)) !== null) return [g[1] ?? '', { kind: 'tracestate-no-key', key: ev(g[2] ?? '') }];
  if ((g = /^self\.assertTrue\((.+) in str\((\w+)\) or (.+) in str\(\w+\)\)$/.exec(s)) !== null) {
    return [g[2] ?? '', { kind: 'tracestate-contains', anyOf: [ev(g[1] ?? ''), ev(g[3] ?? '')] }];
  }
  if ((g = /^self\.assertTrue\((.+) in str\((\w+)\)\)$/.exec(s)) !== null) return [g[2] ?? '', { kind: 'tracestate-contains', anyOf: [ev(g[1] ?? '')] }];
  if ((g = /^self\.assertTrue\(str\((\w+)\)\.index\((.+)\) < str\(\w+\)\.index\((.+)\)\)$/.exec(s)) !== null) {
    return [g[1] ?? '', { kind: 'tracestate-order', before: ev(g[2] ?? ''), after: ev(g[3] ?? '') }];
  }
  if ((g = /^self\.assertTrue\(not (\w+) or \w+ != ''\)$/.exec(s)) !== null) return [g[1] ?? '', { kind: 'tracestate-not-empty-string' }];
  throw new Error(`w3c suite: assertion not understood: ${s}; extend testing/w3c-suite.ts`);
}

function pair(test: string, h: PyValue): [string, string] {
  if (!Array.isArray(h) || h.length !== 2 || typeof h[0] !== 'string' || typeof h[1] !== 'string') {
    throw new Error(`w3c suite ${test}: a header is not a [name, value] pair`);
  }
  return [h[0], h[1]];
}

/**
 * Python logical lines: newlines inside brackets or strings continue the statement. Whitespace
 * outside strings is collapsed (and dropped next to brackets, with trailing commas) so the
 * assertion patterns stay simple; string literals are kept byte for byte.
 */
function statements(body: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quote: string | null = null;
  const end = (): void => {
    const s = cur.trim();
    if (s.length > 0) out.push(s);
    cur = '';
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (quote !== null) {
      cur += c;
      if (c === '\\') cur += body[++i] ?? '';
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '#') {
      while (i + 1 < body.length && body[i + 1] !== '\n') i++;
    } else if (c === '\n' && depth === 0) {
      end();
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (cur.length > 0 && !cur.endsWith(' ') && !cur.endsWith('(') && !cur.endsWith('[')) cur += ' ';
    } else if (c === ')' || c === ']') {
      depth--;
      cur = cur.replace(/ ?,? ?$/, '') + c;
    } else {
      if (c === "'" || c === '"') quote = c;
      if (c === '(' || c === '[') depth++;
      cur += c;
    }
  }
  end();
  return out;
}
