import { extractTraceContext, TRACE_HEADER_NAMES, type TraceContext } from '../trace/index.js';
import { API_KEY } from './api.js';
import { KafkaReader } from './reader.js';
import { type KafkaRequestBody, MAX_TOPICS } from './types.js';

/** Records read for trace headers per frame, and headers per record: enough for real producers. */
const MAX_RECORDS_SCANNED = 256;
const MAX_HEADERS_PER_RECORD = 64;

interface Acc {
  topics: string[];
  partitions: number;
  acks: number | null;
  trace: TraceContext | null;
}

/** Decodes the parts of a request body observability needs; never throws, `complete` says if it all parsed. */
export function decodeRequestBody(r: KafkaReader, apiKey: number, v: number, flexible: boolean): KafkaRequestBody {
  const acc: Acc = { topics: [], partitions: 0, acks: null, trace: null };
  switch (apiKey) {
    case API_KEY.Produce:
      produce(r, v, flexible, acc);
      break;
    case API_KEY.Fetch:
      fetch(r, v, flexible, acc);
      break;
    case API_KEY.Metadata:
      metadata(r, v, flexible, acc);
      break;
    case API_KEY.OffsetCommit:
      offsetCommit(r, v, flexible, acc);
      break;
    default:
      // Other APIs (FindCoordinator, JoinGroup, Heartbeat, ApiVersions …) name no topics.
      break;
  }
  return { ...acc, complete: !r.failed };
}

function addTopic(acc: Acc, name: string | null): void {
  if (name !== null && acc.topics.length < MAX_TOPICS) acc.topics.push(name);
}

function endStruct(r: KafkaReader, flexible: boolean): void {
  if (flexible) r.skipTaggedFields();
}

function produce(r: KafkaReader, v: number, flex: boolean, acc: Acc): void {
  if (v >= 3) r.skipString(flex);
  const acks = r.int16();
  r.int32(); // timeout
  if (!r.failed) acc.acks = acks;
  const topics = r.arrayLength(flex, 2);
  for (let t = 0; t < topics && !r.failed; t++) {
    if (v >= 13) addTopic(acc, r.uuidHex());
    else addTopic(acc, r.string(flex));
    const partitions = r.arrayLength(flex, 4);
    for (let p = 0; p < partitions && !r.failed; p++) {
      acc.partitions++;
      r.int32(); // index
      const records = r.bytes(flex);
      if (records !== null && acc.trace === null && v >= 3) acc.trace = traceInBatches(r.b, records[0], records[1]);
      endStruct(r, flex);
    }
    endStruct(r, flex);
  }
  endStruct(r, flex);
}

/**
 * Walks record batches (magic 2, Produce v3+) for record headers naming trace context. Compressed
 * batches are skipped: decompressing producer payloads is not worth a trace id.
 */
function traceInBatches(b: Uint8Array, start: number, end: number): TraceContext | null {
  let pos = start;
  let scanned = 0;
  while (end - pos >= 61 && scanned < MAX_RECORDS_SCANNED) {
    const batch = new KafkaReader(b, pos, end);
    batch.skip(8); // base offset
    const length = batch.int32();
    const batchEnd = batch.pos + length;
    if (length < 49 || batchEnd > end) return null;
    batch.skip(4); // partition leader epoch
    const magic = batch.int8();
    batch.skip(4); // crc
    const attributes = batch.int16();
    batch.skip(4 + 8 + 8 + 8 + 2 + 4); // last offset delta, timestamps, producer id/epoch, base sequence
    const count = batch.int32();
    if (magic !== 2) return null;
    if ((attributes & 0x07) === 0) {
      const records = new KafkaReader(b, batch.pos, batchEnd);
      for (let i = 0; i < count && !records.failed && scanned < MAX_RECORDS_SCANNED; i++, scanned++) {
        const found = recordTrace(records);
        if (found !== null) return found;
      }
    }
    pos = batchEnd;
  }
  return null;
}

function recordTrace(r: KafkaReader): TraceContext | null {
  const length = r.varint();
  const recordEnd = r.pos + length;
  if (length < 0 || recordEnd > r.end) return r.fail() || null;
  r.int8(); // attributes
  r.varint(); // timestamp delta
  r.varint(); // offset delta
  const keyLength = r.varint();
  if (keyLength > 0) r.skip(keyLength);
  const valueLength = r.varint();
  if (valueLength > 0) r.skip(valueLength);
  const headers = r.varint();
  let trace: Array<[string, string]> | null = null;
  for (let h = 0; h < headers && h < MAX_HEADERS_PER_RECORD && !r.failed; h++) {
    const nameLength = r.varint();
    const name = nameLength > 0 && nameLength <= 17 ? r.text(nameLength, 17).toLowerCase() : (r.skip(Math.max(0, nameLength)), '');
    const valueLen = r.varint();
    if (TRACE_HEADER_NAMES.has(name) && valueLen >= 0 && valueLen <= 1024) {
      (trace ??= []).push([name, r.text(valueLen, 1024)]);
    } else if (valueLen > 0) {
      r.skip(valueLen);
    }
  }
  r.pos = Math.max(r.pos, Math.min(recordEnd, r.end));
  return trace === null ? null : extractTraceContext(trace);
}

function fetch(r: KafkaReader, v: number, flex: boolean, acc: Acc): void {
  if (v <= 14) r.int32(); // replica id (v15+ moved to a tagged field)
  r.int32(); // max wait
  r.int32(); // min bytes
  if (v >= 3) r.int32(); // max bytes
  if (v >= 4) r.int8(); // isolation level
  if (v >= 7) r.skip(8); // session id, epoch
  const topics = r.arrayLength(flex, 4);
  for (let t = 0; t < topics && !r.failed; t++) {
    addTopic(acc, v >= 13 ? r.uuidHex() : r.string(flex));
    const partitions = r.arrayLength(flex, 16);
    for (let p = 0; p < partitions && !r.failed; p++) {
      acc.partitions++;
      r.skip(4 + (v >= 9 ? 4 : 0) + 8 + (v >= 12 ? 4 : 0) + (v >= 5 ? 8 : 0) + 4);
      endStruct(r, flex);
    }
    endStruct(r, flex);
  }
}

function metadata(r: KafkaReader, v: number, flex: boolean, acc: Acc): void {
  const topics = r.arrayLength(flex, 1);
  for (let t = 0; t < topics && !r.failed; t++) {
    if (v >= 10) r.skip(16); // topic id
    addTopic(acc, r.string(flex));
    endStruct(r, flex);
  }
}

function offsetCommit(r: KafkaReader, v: number, flex: boolean, acc: Acc): void {
  r.skipString(flex); // group id
  if (v >= 1) {
    r.int32(); // generation id
    r.skipString(flex); // member id
  }
  if (v >= 7) r.skipString(flex); // group instance id
  if (v >= 2 && v <= 4) r.skip(8); // retention time
  const topics = r.arrayLength(flex, 2);
  for (let t = 0; t < topics && !r.failed; t++) {
    addTopic(acc, r.string(flex));
    const partitions = r.arrayLength(flex, 12);
    for (let p = 0; p < partitions && !r.failed; p++) {
      acc.partitions++;
      r.skip(4 + 8 + (v >= 6 ? 4 : 0) + (v === 1 ? 8 : 0));
      r.skipString(flex); // committed metadata
      endStruct(r, flex);
    }
    endStruct(r, flex);
  }
}
