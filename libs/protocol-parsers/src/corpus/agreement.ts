// Replays every capture of a corpus folder in-process (the CLI's code path, `replayCapture`) and compares
// the keys with tshark's ground truth, like compare_replay.py. Node-only: used by tests and the benchmark,
// never exported from the package entry.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModuleName } from '../core/protocol.js';
import { replayCapture } from '../pcap/replay.js';
import { FOLDER_PROTOCOL, groundTruthKeys, matchedCount, missingKeys, replayKeys, total } from './keys.js';

export interface CaptureAgreement {
  pcap: string;
  groundTruthKeys: number;
  matched: number;
  ours: number;
  /** tshark keys we did not reproduce: JSON key → how many. */
  missing: [string, number][];
  /** Our keys tshark does not have. */
  extra: [string, number][];
  /** stderr lines the CLI would print. */
  problems: string[];
}

export interface FolderAgreement {
  folder: string;
  protocol: ModuleName;
  pcaps: number;
  groundTruthKeys: number;
  matched: number;
  ours: number;
  /** matched ÷ tshark's keys (the script's `recall`). */
  recall: number;
  /** matched ÷ our keys. */
  precision: number;
  captures: CaptureAgreement[];
}

/** Corpus folders that hold captures with tshark ground truth, with the protocol each describes. */
export function corpusFolders(corpusRoot: string): { folder: string; protocol: ModuleName }[] {
  return Object.entries(FOLDER_PROTOCOL)
    .filter(([folder]) => existsSync(join(corpusRoot, folder, 'pcaps')))
    .map(([folder, protocol]) => ({ folder, protocol }));
}

export function measureFolder(corpusRoot: string, folder: string): FolderAgreement {
  const protocol = FOLDER_PROTOCOL[folder];
  if (protocol === undefined) throw new Error(`corpus folder ${folder} has no protocol in FOLDER_PROTOCOL; add it there`);
  const pcapDir = join(corpusRoot, folder, 'pcaps');
  const captures: CaptureAgreement[] = [];
  for (const pcap of readdirSync(pcapDir).sort()) {
    const truthFile = join(corpusRoot, folder, 'groundtruth', `${pcap}.tshark.json`);
    if (!existsSync(truthFile)) continue;
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as { records?: Record<string, unknown>[] };
    const gt = groundTruthKeys(protocol, truth.records ?? []);
    if (gt.size === 0) continue;
    const replay = replayCapture(readFileSync(join(pcapDir, pcap)));
    // Keys are computed from the JSON lines exactly as the CLI prints them.
    const lines = replay.records.map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);
    const ours = replayKeys(protocol, lines);
    captures.push({
      pcap, groundTruthKeys: total(gt), matched: matchedCount(gt, ours), ours: total(ours),
      missing: missingKeys(gt, ours), extra: missingKeys(ours, gt), problems: replay.problems,
    });
  }
  const sum = (f: (c: CaptureAgreement) => number): number => captures.reduce((n, c) => n + f(c), 0);
  const gtTotal = sum((c) => c.groundTruthKeys);
  const matched = sum((c) => c.matched);
  const ours = sum((c) => c.ours);
  return {
    folder, protocol, pcaps: captures.length, groundTruthKeys: gtTotal, matched, ours,
    recall: gtTotal === 0 ? 0 : matched / gtTotal, precision: ours === 0 ? 0 : matched / ours, captures,
  };
}
