/**
 * Just enough of Python's expression syntax to evaluate the string expressions in the W3C
 * trace-context suite (test.py): string and integer literals, names, `+`, `*`, lists, `len()`,
 * `''.join(list)`, `map(chr, range(a, b))`. Anything else throws, naming the text it could not read.
 */
export type PyValue = string | number | PyValue[];
export type PyEnv = ReadonlyMap<string, PyValue>;

type Token = { kind: 'str'; value: string } | { kind: 'num'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === "'" || c === '"') {
      let s = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') {
          const e = src[i + 1] ?? '';
          const x = /^x([0-9a-fA-F]{2})/.exec(src.slice(i + 1));
          if (x !== null) {
            s += String.fromCharCode(parseInt(x[1] ?? '0', 16));
            i += 4;
            continue;
          }
          s += ESCAPES[e] ?? `\\${e}`;
          i += 2;
        } else {
          s += src[i];
          i++;
        }
      }
      i++;
      out.push({ kind: 'str', value: s });
    } else if (/[0-9]/.test(c)) {
      const m = /^(0x[0-9a-fA-F]+|[0-9]+)/.exec(src.slice(i))?.[0] ?? c;
      out.push({ kind: 'num', value: Number(m) });
      i += m.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z_0-9]*/.exec(src.slice(i))?.[0] ?? c;
      out.push({ kind: 'name', value: m });
      i += m.length;
    } else {
      out.push({ kind: 'op', value: c });
      i++;
    }
  }
  return out;
}

/** Evaluates one expression (the whole of `src`). */
export function evalPython(src: string, env: PyEnv): PyValue {
  const tokens = tokenize(src);
  let p = 0;
  const fail = (why: string): never => {
    throw new Error(`python-expr: ${why} in ${JSON.stringify(src.slice(0, 120))}; extend testing/python-expr.ts`);
  };
  const peek = (): Token | undefined => tokens[p];
  const eat = (op: string): void => {
    const t = tokens[p++];
    if (t?.kind !== 'op' || t.value !== op) fail(`expected "${op}"`);
  };
  const isOp = (op: string): boolean => {
    const t = peek();
    return t?.kind === 'op' && t.value === op;
  };
  const list = (close: string): PyValue[] => {
    const items: PyValue[] = [];
    while (!isOp(close)) {
      items.push(sum());
      if (isOp(',')) p++;
      else break;
    }
    eat(close);
    return items;
  };
  const atom = (): PyValue => {
    const t = tokens[p++];
    if (t === undefined) return fail('unexpected end');
    if (t.kind === 'num') return t.value;
    if (t.kind === 'op' && t.value === '[') return list(']');
    if (t.kind === 'op' && t.value === '(') {
      const v = sum();
      eat(')');
      return v;
    }
    if (t.kind === 'str') {
      if (isOp('.')) {
        p++;
        const method = tokens[p++];
        if (method?.kind !== 'name' || method.value !== 'join') return fail('only str.join is known');
        eat('(');
        const [items] = list(')');
        if (!Array.isArray(items)) return fail('join needs a list');
        return items.map((x) => String(x)).join(t.value);
      }
      return t.value;
    }
    if (t.kind === 'name') {
      if (isOp('(')) {
        p++;
        const args = list(')');
        return call(t.value, args, fail);
      }
      if (t.value === 'chr') return 'chr';
      const v = env.get(t.value);
      return v === undefined ? fail(`unknown name ${t.value}`) : v;
    }
    return fail(`unexpected "${t.value}"`);
  };
  const product = (): PyValue => {
    let v = atom();
    while (isOp('*')) {
      p++;
      const r = atom();
      if (typeof v === 'string' && typeof r === 'number') v = v.repeat(r);
      else if (typeof v === 'number' && typeof r === 'number') v = v * r;
      else fail('unsupported *');
    }
    return v;
  };
  const sum = (): PyValue => {
    let v = product();
    while (isOp('+')) {
      p++;
      const r = product();
      if (typeof v === 'string' && typeof r === 'string') v = v + r;
      else if (typeof v === 'number' && typeof r === 'number') v = v + r;
      else fail('unsupported +');
    }
    return v;
  };
  const value = sum();
  if (p !== tokens.length) fail('trailing tokens');
  return value;
}

function call(name: string, args: PyValue[], fail: (why: string) => never): PyValue {
  const [a, b] = args;
  if (name === 'range' && typeof a === 'number' && typeof b === 'number') return Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
  if (name === 'map' && a === 'chr' && Array.isArray(b)) return b.map((x) => String.fromCharCode(Number(x)));
  if (name === 'len' && (typeof a === 'string' || Array.isArray(a))) return a.length;
  return fail(`unknown call ${name}()`);
}
