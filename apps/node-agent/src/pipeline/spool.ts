import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface SpoolOptions {
  dir: string;
  /** batches kept; past it the oldest is dropped and counted */
  maxBatches: number;
  /** bytes kept over all files; past it the oldest are dropped and counted */
  maxBytes: number;
}

export interface SpoolStats {
  /** batches waiting on disk */
  queued: number;
  bytes: number;
  /** oldest batches dropped because the spool was full */
  dropped: number;
  /** files that could not be read back (disk trouble, a hand edit) and were removed */
  corrupt: number;
}

const FILE = /^(\d{16})\.batch$/;
const name = (seq: number) => `${String(seq).padStart(16, '0')}.batch`;

/**
 * A bounded, ordered, crash-safe queue of batches on disk: one file a batch, named by a sequence
 * number. A write goes to a temp file, is fsync'd, renamed into place and the directory fsync'd,
 * so after a crash a batch is either whole or absent. Calls are synchronous on purpose: the agent
 * appends once per flush tick, and ordering stays trivial.
 */
export class BatchSpool<T> {
  private readonly entries: { seq: number; bytes: number }[] = [];
  private nextSeq = 1;
  private totalBytes = 0;
  readonly counters = { dropped: 0, corrupt: 0 };

  constructor(private readonly opts: SpoolOptions) {
    mkdirSync(opts.dir, { recursive: true });
    for (const file of readdirSync(opts.dir).sort()) {
      const match = FILE.exec(file);
      // A temp file is a write the crash interrupted: the batch was never acknowledged as spooled.
      if (!match) {
        if (file.endsWith('.tmp')) unlinkSync(join(opts.dir, file));
        continue;
      }
      const seq = Number(match[1]);
      const bytes = statSync(join(opts.dir, file)).size;
      this.entries.push({ seq, bytes });
      this.totalBytes += bytes;
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
    }
    this.enforceBounds();
  }

  get stats(): SpoolStats {
    return { queued: this.entries.length, bytes: this.totalBytes, dropped: this.counters.dropped, corrupt: this.counters.corrupt };
  }

  get length(): number {
    return this.entries.length;
  }

  /** Writes the item durably, then drops the oldest while the spool is over its bounds. */
  append(item: T): void {
    const seq = this.nextSeq++;
    const data = Buffer.from(JSON.stringify(item), 'utf8');
    const path = join(this.opts.dir, name(seq));
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    this.syncDir();
    this.entries.push({ seq, bytes: data.length });
    this.totalBytes += data.length;
    this.enforceBounds();
  }

  /** The oldest readable batch, or null when empty; unreadable files are removed and counted. */
  peek(): { seq: number; item: T } | null {
    for (;;) {
      const first = this.entries[0];
      if (!first) return null;
      try {
        return { seq: first.seq, item: JSON.parse(readFileSync(join(this.opts.dir, name(first.seq)), 'utf8')) as T };
      } catch {
        this.counters.corrupt++;
        this.remove(first.seq);
      }
    }
  }

  /** Removes a delivered (or refused) batch; unknown sequence numbers are ignored. */
  remove(seq: number): void {
    const index = this.entries.findIndex((e) => e.seq === seq);
    const entry = this.entries[index];
    if (!entry) return;
    this.entries.splice(index, 1);
    this.totalBytes -= entry.bytes;
    try {
      unlinkSync(join(this.opts.dir, name(seq)));
    } catch {
      // Already gone: nothing to remove.
    }
  }

  private enforceBounds(): void {
    while (this.entries.length > this.opts.maxBatches || (this.totalBytes > this.opts.maxBytes && this.entries.length > 1)) {
      const oldest = this.entries[0];
      if (!oldest) break;
      this.counters.dropped++;
      this.remove(oldest.seq);
    }
  }

  private syncDir(): void {
    const fd = openSync(this.opts.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
