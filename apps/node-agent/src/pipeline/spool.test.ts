import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchSpool } from './spool.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kinsight-spool-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const open = (dir: string, maxBatches = 100, maxBytes = 1 << 20) => new BatchSpool<{ n: number }>({ dir, maxBatches, maxBytes });

describe('BatchSpool', () => {
  it('gives batches back oldest first and forgets removed ones', () => {
    const spool = open(tempDir());
    for (let n = 1; n <= 3; n++) spool.append({ n });
    const first = spool.peek();
    expect(first?.item).toEqual({ n: 1 });
    spool.remove(first?.seq ?? 0);
    expect(spool.peek()?.item).toEqual({ n: 2 });
    expect(spool.stats).toEqual({ queued: 2, bytes: 14, dropped: 0, corrupt: 0 });
  });

  it('keeps batches across a restart, in order, and continues the sequence', () => {
    const dir = tempDir();
    const before = open(dir);
    before.append({ n: 1 });
    before.append({ n: 2 });
    const after = open(dir);
    after.append({ n: 3 });
    const seen: number[] = [];
    for (let next = after.peek(); next; next = after.peek()) {
      seen.push(next.item.n);
      after.remove(next.seq);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('drops and counts the oldest when full, by count and by bytes', () => {
    const byCount = open(tempDir(), 3);
    for (let n = 1; n <= 5; n++) byCount.append({ n });
    expect({ first: byCount.peek()?.item, stats: byCount.stats }).toEqual({ first: { n: 3 }, stats: { queued: 3, bytes: 21, dropped: 2, corrupt: 0 } });
    const byBytes = open(tempDir(), 100, 20);
    for (let n = 1; n <= 4; n++) byBytes.append({ n });
    // Each file is 7 bytes: two fit under 20.
    expect({ first: byBytes.peek()?.item, stats: byBytes.stats }).toEqual({ first: { n: 3 }, stats: { queued: 2, bytes: 14, dropped: 2, corrupt: 0 } });
  });

  it('removes a half-written temp file and skips, counts and removes an unreadable batch', () => {
    const dir = tempDir();
    const spool = open(dir);
    spool.append({ n: 1 });
    spool.append({ n: 2 });
    writeFileSync(join(dir, '0000000000000001.batch'), '{"n": ');
    writeFileSync(join(dir, '0000000000000003.batch.tmp'), '{"n": 3');
    const reopened = open(dir);
    expect(reopened.peek()?.item).toEqual({ n: 2 });
    expect(reopened.stats).toEqual({ queued: 1, bytes: 7, dropped: 0, corrupt: 1 });
    expect(readdirSync(dir)).toEqual(['0000000000000002.batch']);
  });
});
