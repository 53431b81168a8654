import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** A CSV file as a header and rows; `.gz` files are unpacked first. Quoted fields may hold commas and `""`. */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

export function readCsv(path: string): CsvTable {
  const bytes = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const [head, ...rest] = lines;
  if (head === undefined) throw new Error(`${path} is empty; expected a CSV header line`);
  return { header: parseCsvLine(head).map((h) => h.trim()), rows: rest.map(parseCsvLine) };
}

export function parseCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** Index of each named column; names the file and the missing column so the layout error is obvious. */
export function columns<K extends string>(table: CsvTable, path: string, names: readonly K[]): Record<K, number> {
  const found = {} as Record<K, number>;
  for (const name of names) {
    const at = table.header.indexOf(name);
    if (at < 0) throw new Error(`${path} has no "${name}" column (header: ${table.header.join(',')})`);
    found[name] = at;
  }
  return found;
}
