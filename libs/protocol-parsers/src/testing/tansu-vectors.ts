/**
 * Reads tansu's Kafka decode vectors (decode_vectors.jsonl: real client frames + the Rust test that
 * decodes them) and lifts the expected values out of the Rust `assert_eq!` text: header fields,
 * topic names, partition counts and the first non-zero error code.
 */
export interface TansuVector {
  name: string;
  kind: 'request' | 'response';
  frame: Uint8Array;
  /** snake_case api name from the test name, e.g. `find_coordinator`. */
  api: string;
  apiVersion: number;
  correlationId: number;
  /** Requests only: undefined for responses. */
  apiKey?: number;
  clientId?: string | null;
  /** Topic names the Rust expectation lists (names, or topic ids as hex for Fetch v13+). */
  topics: string[];
  partitions: number;
  /** First non-zero `error_code` in the expectation, else 0. */
  errorCode: number;
  /** The upstream test is `#[ignore]`d: its expectation does not describe its bytes. */
  upstreamIgnored: boolean;
}

interface RawVector {
  name: string;
  kind: 'request' | 'response';
  hex: string;
  api_name: string;
  api_version_from_name: number;
  derived: { api_key?: number; api_version?: number; correlation_id: number; client_id?: string | null };
  expected_rust: string;
}

const TOPIC_PATTERNS = [
  /TopicProduceData::default\(\)\s*\.name\("([^"]*)"/g,
  /TopicProduceResponse::default\(\)\s*\.name\("([^"]*)"/g,
  /OffsetCommitRequestTopic::default\(\)\s*\.name\("([^"]*)"/g,
  /OffsetCommitResponseTopic::default\(\)\s*\.name\("([^"]*)"/g,
  /MetadataRequestTopic::default\(\)\s*\.topic_id\([^)]*\)\)?\s*\.name\(Some\("([^"]*)"/g,
  /MetadataResponseTopic::default\(\)\s*\.error_code\(-?\d+\)\s*\.name\(Some\("([^"]*)"/g,
  /(?:FetchTopic|FetchableTopicResponse)::default\(\)\s*\.topic\(Some\("([^"]*)"/g,
  /(?:FetchTopic|FetchableTopicResponse)::default\(\)\s*\.topic\(None\)\s*\.topic_id\(Some\(\[([\d,\s]*)\]/g,
];
const PARTITION_PATTERN =
  /\b(PartitionProduceData|PartitionProduceResponse|FetchPartition|PartitionData|MetadataResponsePartition|OffsetCommitRequestPartition|OffsetCommitResponsePartition)::default\(\)/g;

export function readTansuVectors(jsonl: string): TansuVector[] {
  return jsonl.split('\n').filter((l) => l.trim().length > 0).map((line) => {
    const raw = JSON.parse(line) as RawVector;
    const rust = raw.expected_rust;
    const topics: Array<[number, string]> = [];
    for (const pattern of TOPIC_PATTERNS) {
      for (const m of rust.matchAll(pattern)) {
        const value = m[1] ?? '';
        topics.push([m.index, value.includes(',') ? value.split(',').map((n) => Number(n.trim()).toString(16).padStart(2, '0')).join('') : value]);
      }
    }
    const errors = [...rust.matchAll(/\.error_code\((?:Some\()?(-?\d+)/g)].map((m) => Number(m[1]));
    const header = /Header::Request \{\s*api_key: ([\w:]+),\s*api_version: (\d+),\s*correlation_id: (\d+),\s*client_id: (None|Some\("([^"]*)"\.into\(\)\))/.exec(rust);
    const response = /Header::Response \{\s*correlation_id: (\d+),?\s*\}/.exec(rust);
    const upstreamIgnored = raw.name === 'produce_request_v0_000' || raw.name === 'list_transactions_request_v1_000';
    const base = {
      name: raw.name, kind: raw.kind, frame: hexBytes(raw.hex), api: raw.api_name, upstreamIgnored,
      topics: topics.sort((a, b) => a[0] - b[0]).map(([, t]) => t),
      partitions: [...rust.matchAll(PARTITION_PATTERN)].length,
      errorCode: errors.find((e) => e !== 0) ?? 0,
    };
    if (raw.kind === 'response') {
      if (response === null) throw new Error(`tansu vector ${raw.name}: no Header::Response in the expectation`);
      return { ...base, apiVersion: raw.api_version_from_name, correlationId: Number(response[1]) };
    }
    if (header === null) throw new Error(`tansu vector ${raw.name}: no Header::Request in the expectation`);
    const keyText = header[1] ?? '';
    return {
      ...base,
      // `ApiVersionsRequest::KEY` style constants: the bytes' own key, checked against the name by the test.
      apiKey: /^\d+$/.test(keyText) ? Number(keyText) : (raw.derived.api_key ?? -1),
      apiVersion: Number(header[2]), correlationId: Number(header[3]),
      clientId: header[4] === 'None' ? null : header[5] ?? null,
    };
  });
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
