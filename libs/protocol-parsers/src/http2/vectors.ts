// Test-only readers of the vector suites in ../shared/corpora/http2-grpc/vectors.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const HTTP2_CORPUS = path.resolve(repoRoot, '../shared/corpora/http2-grpc');

function need(dir: string): string {
  // A missing corpus must fail the run, never skip it.
  if (!existsSync(dir)) throw new Error(`http2 vectors: ${dir} is missing; restore ../shared/corpora/http2-grpc next to the repo`);
  return dir;
}

export interface HpackStory {
  file: string;
  cases: Array<{ seqno: number; wire: string; header_table_size?: number; headers: Array<Record<string, string>> }>;
}

export function readHpackStories(encoder: string): HpackStory[] {
  const dir = need(path.join(HTTP2_CORPUS, 'vectors/hpack-test-case', encoder));
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const story = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Omit<HpackStory, 'file'>;
    return { file: `${encoder}/${f}`, cases: story.cases };
  });
}

export interface FrameCase {
  file: string;
  wire: string;
  error: number[] | null;
  frame: {
    length: number; type: number; flags: number; stream_identifier: number;
    frame_payload: Record<string, unknown>;
  } | null;
}

export function readFrameCases(): FrameCase[] {
  const root = need(path.join(HTTP2_CORPUS, 'vectors/http2-frame-test-case'));
  const out: FrameCase[] = [];
  for (const dir of readdirSync(root).sort()) {
    const full = path.join(root, dir);
    if (!existsSync(full) || dir.includes('.') || dir === 'LICENSE') continue;
    for (const f of readdirSync(full).sort()) {
      const c = JSON.parse(readFileSync(path.join(full, f), 'utf8')) as Omit<FrameCase, 'file'>;
      out.push({ file: `${dir}/${f}`, ...c });
    }
  }
  return out;
}

export function readPixieGrpcTest(): string {
  return readFileSync(need(path.join(HTTP2_CORPUS, 'vectors/pixie/http2__grpc_test.cc')), 'utf8');
}
