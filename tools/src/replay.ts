/**
 * `npm run replay -- <file.pcap|file.pcapng> [--proto http1,redis,…]`: one JSON object per transaction,
 * one per line, in capture order of the request (schema: libs/protocol-parsers ReplayRecord). Streams no
 * parser recognises are reported on stderr; the exit code is 1 only when the file cannot be read at all.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { ModuleName } from '@kinsight/protocol-parsers';

export interface ReplayCliOutput {
  stdout: string;
  stderr: string;
  exitCode: 0 | 1;
}

/** The whole CLI minus process I/O, so tests can run it in-process. */
export async function runReplay(file: string, protoList: string | undefined): Promise<ReplayCliOutput> {
  // Loaded lazily, as tools/src/bench.ts does (Nx forbids mixing static and lazy imports of a lib).
  const { formatReplayRecord, PROTOCOL_MODULES, replayCapture } = await import('@kinsight/protocol-parsers');
  const known = PROTOCOL_MODULES.map((m) => m.name);
  let only: ModuleName[] | undefined;
  if (protoList !== undefined) {
    const names = protoList.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const unknown = names.filter((n) => !known.some((k) => k === n));
    if (unknown.length > 0 || names.length === 0) {
      return { stdout: '', stderr: `replay: --proto ${protoList}: unknown protocol ${unknown.join(', ')}; known: ${known.join(', ')}\n`, exitCode: 1 };
    }
    only = known.filter((k) => names.includes(k));
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { stdout: '', stderr: `replay: cannot read ${file}: ${reason}\n`, exitCode: 1 };
  }
  const result = replayCapture(bytes, only ? { only } : {});
  if (result.capture.error !== null) return { stdout: '', stderr: `replay: ${file}: ${result.capture.error}\n`, exitCode: 1 };
  const stdout = result.records.map((r) => `${formatReplayRecord(r)}\n`).join('');
  const stderr = result.problems.map((p) => `replay: ${p}\n`).join('');
  return { stdout, stderr, exitCode: 0 };
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '\0');

if (isMain) {
  new Command()
    .name('replay')
    .description('print the transactions of a capture, one JSON object per line')
    .argument('<capture>', 'a .pcap or .pcapng file')
    .option('--proto <list>', 'comma-separated protocols to consider (one protocol forces it on unrecognised streams)')
    .action(async (file: string, opts: { proto?: string }) => {
      const out = await runReplay(file, opts.proto);
      process.stdout.write(out.stdout);
      process.stderr.write(out.stderr);
      process.exitCode = out.exitCode;
    })
    .parseAsync()
    .catch((err: unknown) => {
      process.stderr.write(`replay: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
