/**
 * Kafka throughput on tansu's 78 real client frames (../shared/corpora/kafka, no Kafka pcaps exist):
 * one connection whose requests are every request frame plus a header-only request for every
 * response frame, correlation ids rewritten to be unique, and whose responses are the response
 * frames, pushed one frame per chunk and repeated to ≥ 50 MB and ≥ 2 s.
 *
 * No `kafka_vs_kafkajs`: kafkajs is a client, so it has no request decoders at all, and its response
 * decoders stop before the flexible versions most of these frames use (Produce v9+, Fetch v12+,
 * Metadata v9+); it could not be fed the same buffers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusRoot } from '../src/corpus/paths.js';
import { isFlexible } from '../src/kafka/api.js';
import { KafkaStitcher } from '../src/kafka/stitch.js';
import { readTansuVectors } from '../src/testing/tansu-vectors.js';
import type { BenchFigure } from './index.js';

const TARGET_BYTES = 50 * 1024 * 1024;
const MIN_MS = 2000;
const RESPONSE_KEYS: Record<string, number> = {
  api_versions: 18, create_topics: 19, describe_configs: 32, describe_groups: 15, fetch: 1, find_coordinator: 10,
  join_group: 11, list_offsets: 2, list_transactions: 66, metadata: 3, offset_fetch: 9, produce: 0, describe_topic_partitions: 75,
};

function withCorrelationId(frame: Uint8Array, at: number, id: number): Uint8Array {
  const copy = Uint8Array.from(frame);
  new DataView(copy.buffer).setInt32(at, id);
  return copy;
}

function headerOnlyRequest(apiKey: number, apiVersion: number, id: number): Uint8Array {
  const flexible = isFlexible(apiKey, apiVersion);
  const frame = new Uint8Array(14 + (flexible ? 1 : 0));
  const view = new DataView(frame.buffer);
  view.setInt32(0, frame.length - 4);
  view.setInt16(4, apiKey);
  view.setInt16(6, apiVersion);
  view.setInt32(8, id);
  view.setInt16(12, -1);
  return frame;
}

function connection(): { requests: Uint8Array[]; responses: Uint8Array[]; bytes: number } {
  const file = join(corpusRoot(), 'kafka', 'vectors', 'nisshi-sans-io', 'decode_vectors.jsonl');
  const requests: Uint8Array[] = [];
  const responses: Uint8Array[] = [];
  let id = 1;
  for (const v of readTansuVectors(readFileSync(file, 'utf8'))) {
    if (v.kind === 'request') {
      requests.push(withCorrelationId(v.frame, 8, id++));
    } else {
      const key = RESPONSE_KEYS[v.api];
      if (key === undefined) throw new Error(`bench kafka: no api key for response vector ${v.name}; add it to RESPONSE_KEYS`);
      requests.push(headerOnlyRequest(key, v.apiVersion, id));
      responses.push(withCorrelationId(v.frame, 4, id++));
    }
  }
  const bytes = [...requests, ...responses].reduce((n, f) => n + f.length, 0);
  return { requests, responses, bytes };
}

export async function* kafkaFigures(): AsyncIterable<BenchFigure> {
  const conn = connection();
  let bytes = 0;
  let transactions = 0;
  const start = performance.now();
  while (bytes < TARGET_BYTES || performance.now() - start < MIN_MS) {
    const s = new KafkaStitcher({});
    let ts = 0n;
    for (const data of conn.requests) s.push('request', { data, size: data.length, tsNs: ++ts });
    for (const data of conn.responses) s.push('response', { data, size: data.length, tsNs: ++ts });
    transactions += s.flush().length;
    bytes += conn.bytes;
  }
  const seconds = (performance.now() - start) / 1000;
  yield { bench: 'parsers', name: 'kafka_mb_per_s', value: Number((bytes / 1e6 / seconds).toFixed(1)), unit: 'MB/s', goal: null, better: 'higher' };
  yield { bench: 'parsers', name: 'kafka_tx_per_s', value: Math.round(transactions / seconds), unit: 'transactions/s', goal: null, better: 'higher' };
}
