import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { concatBytes, produceV9Request, recordBatch, seededRandom, splitAtEveryBoundary, utf8 } from '../testing/index.js';
import type { Transaction } from '../transaction.js';
import { inferKafka } from './infer.js';
import { KafkaStitcher } from './stitch.js';
import type { KafkaTransaction } from './types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const pixie = new Map(
  (JSON.parse(readFileSync(path.resolve(repoRoot, '../shared/corpora/kafka/vectors/pixie/pixie_byte_arrays.json'), 'utf8')) as Array<{ name: string; hex: string }>)
    .map((x) => [x.name, Uint8Array.from(Buffer.from(x.hex, 'hex'))]),
);
const frame = (name: string): Uint8Array => {
  const f = pixie.get(name);
  if (f === undefined) throw new Error(`pixie vector ${name} missing from the corpus`);
  return f;
};

type Push = ['request' | 'response', Uint8Array, number?];
function run(pushes: Push[], s = new KafkaStitcher({})): { txs: KafkaTransaction[]; s: KafkaStitcher } {
  let ts = 0n;
  const out: Transaction[] = [];
  for (const [dir, data, size] of pushes) {
    s.push(dir, { data, size: size ?? data.length, tsNs: ++ts });
    out.push(...s.take());
  }
  out.push(...s.flush());
  return { txs: out.filter((t): t is KafkaTransaction => t.protocol === 'kafka'), s };
}
const brief = (t: KafkaTransaction) => [t.request.apiName, t.request.apiVersion, t.request.correlationId, t.request.topics, t.response?.errorCode ?? 'none'];

describe('Pixie Kafka vectors (test_data.h)', () => {
  it('pairs Produce v9, Metadata v11 and ApiVersions v3 by correlation id, responses out of order', () => {
    const { txs, s } = run([
      ['request', concatBytes(frame('kProduceRequest'), frame('kMetaDataRequest'), frame('kAPIVersionRequest'))],
      ['response', concatBytes(frame('kMetaDataResponse'), frame('kAPIVersionResponse'), frame('kProduceResponse'))],
    ]);
    expect(txs.map(brief)).toEqual([
      ['Metadata', 11, 1, [], 0], ['ApiVersions', 3, 2, [], 0], ['Produce', 9, 4, ['quickstart-events'], 0],
    ]);
    expect(txs[2]?.request.clientId).toBe('console-producer');
    expect(s.stats.invalid).toEqual({});
  });

  it('waits on a request one byte short (ParseIncompleteRequest); only the close reports its head', () => {
    const f = frame('kProduceRequest');
    const s = new KafkaStitcher({});
    s.push('request', { data: f.subarray(0, f.length - 1), size: f.length - 1, tsNs: 1n });
    expect(s.take()).toEqual([]);
    expect(s.stats.bufferedBytes).toBe(f.length - 1);
    // At the close the cut frame still names its request: reported unanswered, the cut counted.
    expect(s.flush().map((t) => (t.protocol === 'kafka' ? [t.request.correlationId, t.response] : null))).toEqual([[4, null]]);
    expect(s.stats.invalid).toEqual({ 'gap-in-framing': 1 });
  });

  it('rejects a frame that is not Kafka (ParseInvalidInput) and resynchronises on the next frame', () => {
    const { txs, s } = run([
      ['request', utf8('\x00\x00\x18\x00\x03SELECT name FROM users;')],
      ['request', concatBytes(utf8('some garbage'), frame('kProduceRequest'))], // not a frame start: skipped
      ['request', frame('kMetaDataRequest')],
      ['response', frame('kProduceResponse')], // correlation id 4 was never parsed: an orphan
      ['response', frame('kMetaDataResponse')],
    ]);
    expect(txs.map(brief)).toEqual([['Metadata', 11, 1, [], 0]]);
    expect(s.stats.invalid).toEqual({ 'invalid-request-header': 1 });
    expect(s.stats.orphanResponses).toBe(1);
    expect(s.stats.bytesSkipped).toBe(28 + 12 + 156); // the invalid frame, then the chunk that did not start one
  });

  it('infers requests from their first bytes and nothing from text', () => {
    expect(['kProduceRequest', 'kMetaDataRequest', 'kAPIVersionRequest'].map((n) => inferKafka(frame(n)))).toEqual(['request', 'request', 'request']);
    expect(inferKafka(frame('kProduceResponse'))).toBeNull();
    expect(inferKafka(utf8('GET / HTTP/1.1\r\nHost: a\r\n\r\n'))).toBeNull();
  });
});

describe('Kafka stitcher', () => {
  const traced = recordBatch('order-42', [['app', 'x'], ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']]);

  it('reads trace context from Produce record headers, however the frame is split', () => {
    const req = produceV9Request(7, 'orders', traced);
    for (const pieces of [[req], ...splitAtEveryBoundary(req)]) {
      const { txs } = run(pieces.map((p): Push => ['request', p]));
      expect(txs.map((t) => [t.request.topics, t.request.partitions, t.request.trace?.trace_id, t.request.trace?.span_id])).toEqual([
        [['orders'], 1, '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
      ]);
    }
    // Compressed batches are not inflated, so their headers are not read.
    expect(run([['request', produceV9Request(7, 'orders', recordBatch('x', [['b3', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1']], 1))]]).txs[0]?.request.trace).toBeNull();
  });

  it('hands out Produce acks=0 at once: no response will come', () => {
    const s = new KafkaStitcher({});
    s.push('request', { data: produceV9Request(9, 'logs', recordBatch('v', []), 0), size: 0, tsNs: 1n });
    expect(s.take().map((t) => (t.protocol === 'kafka' ? [t.request.acks, t.response] : null))).toEqual([[0, null]]);
    expect(s.stats.unansweredRequests).toBe(0);
  });

  it('reads a frame too large to buffer from its head and skips the rest, across truncated chunks', () => {
    const big = produceV9Request(11, 'bulk', recordBatch('v'.repeat(200_000), [['sw8', '1-dA==-cw==-2-c3Zj-aW5zdA==-L2U=-YQ==']]));
    const next = produceV9Request(12, 'next', recordBatch('v', []));
    const { txs, s } = run([
      ['request', big.subarray(0, 4096), 100_000], // the capture kept 4 KiB of a 100 KB write
      ['request', big.subarray(100_000, 150_000)],
      ['request', big.subarray(150_000), big.length - 150_000],
      ['request', next],
      ['response', frame('kProduceResponse')],
    ]);
    expect(txs.map((t) => [t.request.correlationId, t.request.topics, t.request.trace?.format ?? null, t.request.bytes])).toEqual([
      [11, ['bulk'], null, big.length - 4], [12, ['next'], null, next.length - 4],
    ]);
    expect(s.stats.invalid).toEqual({});
    expect(s.stats.bufferedBytes).toBe(0);
  });

  it('rejects hostile lengths without buffering them', () => {
    const s = new KafkaStitcher({ maxBufferedBytes: 4096 });
    s.push('request', { data: Uint8Array.of(0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 9, 0, 0, 0, 1), size: 12, tsNs: 1n });
    // A header claiming 2^31 topics: the array count is checked against the bytes left.
    const hostile = produceV9Request(1, 't', recordBatch('v', []));
    hostile.set([0xff, 0xff, 0xff, 0x0f], 4 + 8 + 2 + 6 + 1 + 1 + 2 + 4);
    s.push('request', { data: hostile, size: hostile.length, tsNs: 2n });
    expect(s.stats.invalid).toEqual({ 'invalid-length': 1 });
    expect(s.stats.bufferedBytes).toBe(0);
    expect(s.flush().map((t) => (t.protocol === 'kafka' ? [t.request.correlationId, t.request.topics] : null))).toEqual([[1, []]]);
  });

  it('never throws and stays within its buffer cap on 3000 mutated streams', () => {
    const rand = seededRandom(4242);
    const base = [frame('kProduceRequest'), frame('kMetaDataRequest'), produceV9Request(5, 'orders', traced)];
    const responses = concatBytes(frame('kProduceResponse'), frame('kMetaDataResponse'), frame('kAPIVersionResponse'));
    for (let n = 0; n < 3000; n++) {
      const input = Uint8Array.from(concatBytes(...base));
      for (let e = 0; e < 1 + Math.floor(rand() * 4); e++) input[Math.floor(rand() * input.length)] = Math.floor(rand() * 256);
      const s = new KafkaStitcher({ maxBufferedBytes: 1024 });
      let o = 0;
      let ts = 0n;
      while (o < input.length) {
        const k = 1 + Math.floor(rand() * 64);
        s.push('request', { data: input.subarray(o, o + k), size: rand() < 0.05 ? k + 10 : k, tsNs: ++ts });
        expect(s.stats.bufferedBytes).toBeLessThanOrEqual(1024 + 64);
        o += k;
      }
      s.push('response', { data: responses, size: responses.length, tsNs: ts + 1n });
      s.flush();
    }
  });
});
