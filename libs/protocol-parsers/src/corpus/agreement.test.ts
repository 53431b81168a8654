import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_MODULES } from '../registry.js';
import { corpusFolders, measureFolder } from './agreement.js';
import { corpusRoot } from './paths.js';

/** Committed lower bounds on the share of tshark's keys each protocol reproduces; raise them as parsers improve. */
const floors = JSON.parse(readFileSync(new URL('./agreement-floors.json', import.meta.url), 'utf8')) as Record<string, number>;
const root = corpusRoot();
const registered = new Set<string>(PROTOCOL_MODULES.map((m) => m.name));
const folders = corpusFolders(root).filter((f) => registered.has(f.protocol));

describe('agreement with tshark on the corpus captures (the replay CLI code path, in-process)', () => {
  it('covers at least the HTTP/1 folder', () => {
    expect(folders.map((f) => f.folder)).toContain('http1');
  });

  it.each(folders)('$folder: a registered module has a committed floor and meets it', ({ folder, protocol }) => {
    const floor = floors[protocol];
    if (floor === undefined) {
      throw new Error(`protocol ${protocol} is registered but has no floor: add "${protocol}": <share> to src/corpus/agreement-floors.json`);
    }
    const a = measureFolder(root, folder);
    const misses = a.captures.filter((c) => c.matched < c.groundTruthKeys).map((c) => `${c.pcap} ${c.matched}/${c.groundTruthKeys}`);
    process.stdout.write(
      `corpus agreement ${protocol}: ${a.matched}/${a.groundTruthKeys} tshark keys = ${(a.recall * 100).toFixed(2)} % ` +
        `(precision ${(a.precision * 100).toFixed(2)} %, ${a.pcaps} captures)\n  misses: ${misses.join(', ')}\n`,
    );
    expect(a.pcaps).toBeGreaterThan(0);
    expect(a.recall).toBeGreaterThanOrEqual(floor);
  });
});
