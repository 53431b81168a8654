/**
 * Pulls the data out of Pixie's HTTP gtest sources (C++): the byte strings
 * they feed the parser and the outcomes they expect. Only cases whose input is
 * a literal are read; cases built by C++ helpers are not data.
 */

/** Value of the adjacent C string literals that follow `from` (after an `=` or `(`). */
function cStringLiterals(src: string, from: number): string {
  const literal = /\s*"((?:[^"\\]|\\.)*)"/y;
  literal.lastIndex = from;
  let out = '';
  for (let m = literal.exec(src); m !== null; m = literal.exec(src)) {
    out += (m[1] ?? '').replace(/\\(.)/g, (_, c: string) => ({ r: '\r', n: '\n', t: '\t', '"': '"', '\\': '\\' })[c] ?? c);
  }
  return out;
}

export interface PixieChunkedCase {
  name: string;
  body: string;
  /** Pixie's own decoder's verdict (not picohttpparser's, where they differ). */
  result: 'kSuccess' | 'kInvalid' | 'kNeedsMoreData';
  /** Decoded body when the verdict is success. */
  out: string;
  /** `Incomplete`: every proper prefix must need more data. */
  everyPrefix: boolean;
}

export function readPixieChunkedCases(src: string): PixieChunkedCase[] {
  const cases: PixieChunkedCase[] = [];
  for (const m of src.matchAll(/TEST_P\(ChunkedDecoderTest, (\w+)\) \{([\s\S]*?)\n\}/g)) {
    const [, name = '', text = ''] = m;
    const bodyAt = text.indexOf('std::string_view body =');
    const results = [...text.matchAll(/ParseState::(k\w+)/g)].map((r) => r[1]);
    const out = /EXPECT_EQ\(out, ("[^;]*)\);/.exec(text);
    if (bodyAt < 0 || results.length === 0) continue;
    cases.push({
      name,
      body: cStringLiterals(text, bodyAt + 'std::string_view body ='.length),
      result: results.at(-1) as PixieChunkedCase['result'],
      out: out === null ? '' : cStringLiterals(out[1] ?? '', 0),
      everyPrefix: text.includes('body.substr(0, i)'),
    });
  }
  return cases;
}

export interface PixieMessageCase {
  constant: string;
  bytes: string;
  method: string | null;
  path: string | null;
  status: number | null;
  bodySize: number;
}

/** `const std::string_view kHTTPx = "...";` paired with its `HTTPxExpectedMessage()`. */
export function readPixieMessages(src: string): PixieMessageCase[] {
  const cases: PixieMessageCase[] = [];
  for (const m of src.matchAll(/const std::string_view (kHTTP\w+) =/g)) {
    const constant = m[1] ?? '';
    const fn = new RegExp(`Message ${constant.slice(1)}ExpectedMessage\\(\\) \\{([\\s\\S]*?)\\n\\}`).exec(src);
    if (fn === null) continue;
    const body = fn[1] ?? '';
    const field = (name: string): string | null => new RegExp(`expected_message\\.${name} = ([^;]+);`).exec(body)?.[1] ?? null;
    const method = field('req_method');
    const path = field('req_path');
    const status = field('resp_status');
    cases.push({
      constant,
      bytes: cStringLiterals(src, (m.index ?? 0) + m[0].length),
      method: method === null ? null : cStringLiterals(method, 0),
      path: path === null ? null : cStringLiterals(path, 0),
      status: status === null ? null : Number(status),
      bodySize: Number(field('body_size') ?? '0'),
    });
  }
  return cases;
}
