import { API_KEY } from './api.js';
import type { KafkaReader } from './reader.js';
import { type KafkaResponseBody, MAX_TOPICS } from './types.js';

interface Acc {
  errorCode: number | null;
  topics: string[];
  partitions: number;
}

/**
 * Decodes the error codes (first non-zero in wire order, else 0), topics and partition count of a
 * response body for the APIs the issue names; other APIs report only their header (errorCode null).
 */
export function decodeResponseBody(r: KafkaReader, apiKey: number, v: number, flexible: boolean): KafkaResponseBody {
  const acc: Acc = { errorCode: 0, topics: [], partitions: 0 };
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
    case API_KEY.ApiVersions:
      error(acc, r.int16());
      break;
    case API_KEY.FindCoordinator:
      findCoordinator(r, v, flexible, acc);
      break;
    case API_KEY.JoinGroup:
    case API_KEY.Heartbeat:
      // JoinGroup v2+ and Heartbeat v1+ start with throttle_time_ms, then error_code.
      if (v >= (apiKey === API_KEY.JoinGroup ? 2 : 1)) r.int32();
      error(acc, r.int16());
      break;
    default:
      acc.errorCode = null;
      break;
  }
  return { ...acc, complete: !r.failed };
}

function error(acc: Acc, code: number): void {
  if (acc.errorCode === 0 && code !== 0) acc.errorCode = code;
}

function addTopic(acc: Acc, name: string | null): void {
  if (name !== null && acc.topics.length < MAX_TOPICS) acc.topics.push(name);
}

function endStruct(r: KafkaReader, flexible: boolean): void {
  if (flexible) r.skipTaggedFields();
}

function produce(r: KafkaReader, v: number, flex: boolean, acc: Acc): void {
  const topics = r.arrayLength(flex, 2);
  for (let t = 0; t < topics && !r.failed; t++) {
    addTopic(acc, v >= 13 ? r.uuidHex() : r.string(flex));
    const partitions = r.arrayLength(flex, 14);
    for (let p = 0; p < partitions && !r.failed; p++) {
      acc.partitions++;
      r.int32(); // index
      error(acc, r.int16());
      r.skip(8 + (v >= 2 ? 8 : 0) + (v >= 5 ? 8 : 0)); // base offset, log append time, log start offset
      if (v >= 8) {
        const recordErrors = r.arrayLength(flex, 5);
        for (let e = 0; e < recordErrors && !r.failed; e++) {
          r.int32();
          r.skipString(flex);
          endStruct(r, flex);
        }
        r.skipString(flex); // error message
      }
      endStruct(r, flex);
    }
    endStruct(r, flex);
  }
}

function fetch(r: KafkaReader, v: number, flex: boolean, acc: Acc): void {
  if (v >= 1) r.int32(); // throttle
  if (v >= 7) {
    error(acc, r.int16());
    r.int32(); // session id
  }
  const topics = r.arrayLength(flex, 4);
  for (let t = 0; t < topics && !r.failed; t++) {
    addTopic(acc, v >= 13 ? r.uuidHex() : r.string(flex));
    const partitions = r.arrayLength(flex, 14);
    for (let p = 0; p < partitions && !r.failed; p++) {
      acc.partitions++;
      r.int32(); // partition index
      error(acc, r.int16());
      r.skip(8 + (v >= 4 ? 8 : 0) + (v >= 5 ? 8 : 0)); // high watermark, last stable offset, log start offset
      if (v >= 4) {
        const aborted = r.arrayLength(flex, 16);
        for (let a = 0; a < aborted && !r.failed; a++) {
          r.skip(16);
          endStruct(r, flex);
        }
      }
      if (v >= 11) r.int32(); // preferred read replica
      r.bytes(flex); // records: skipped, never read
      endStruct(r, flex);
    }
    endStruct(r, flex);
  }
}

function metadata(r: KafkaReader, v: number, flex: boolean, acc: Acc): void {
  if (v >= 3) r.int32(); // throttle
  const brokers = r.arrayLength(flex, 10);
  for (let b = 0; b < brokers && !r.failed; b++) {
    r.int32();
    r.skipString(flex);
    r.int32();
    if (v >= 1) r.skipString(flex); // rack
    endStruct(r, flex);
  }
  if (v >= 2) r.skipString(flex); // cluster id
  if (v >= 1) r.int32(); // controller id
  const topics = r.arrayLength(flex, 6);
  for (let t = 0; t < topics && !r.failed; t++) {
    error(acc, r.int16());
    addTopic(acc, r.string(flex));
    if (v >= 10) r.skip(16); // topic id
    if (v >= 1) r.int8(); // is internal
    const partitions = r.arrayLength(flex, 18);
    for (let p = 0; p < partitions && !r.failed; p++) {
      acc.partitions++;
      error(acc, r.int16());
      r.skip(4 + 4 + (v >= 7 ? 4 : 0)); // index, leader, leader epoch
      for (let list = 0; list < (v >= 5 ? 3 : 2) && !r.failed; list++) r.skip(4 * Math.max(0, r.arrayLength(flex, 4)));
      endStruct(r, flex);
    }
    if (v >= 8) r.int32(); // topic authorized operations
    endStruct(r, flex);
  }
}

function offsetCommit(r: KafkaReader, v: number, flex: boolean, acc: Acc): void {
  if (v >= 3) r.int32(); // throttle
  const topics = r.arrayLength(flex, 2);
  for (let t = 0; t < topics && !r.failed; t++) {
    addTopic(acc, r.string(flex));
    const partitions = r.arrayLength(flex, 6);
    for (let p = 0; p < partitions && !r.failed; p++) {
      acc.partitions++;
      r.int32();
      error(acc, r.int16());
      endStruct(r, flex);
    }
    endStruct(r, flex);
  }
}

function findCoordinator(r: KafkaReader, v: number, flex: boolean, acc: Acc): void {
  if (v >= 1) r.int32(); // throttle
  if (v <= 3) {
    error(acc, r.int16());
    return;
  }
  const coordinators = r.arrayLength(flex, 12);
  for (let c = 0; c < coordinators && !r.failed; c++) {
    r.skipString(flex); // key
    r.int32();
    r.skipString(flex); // host
    r.int32();
    error(acc, r.int16());
    r.skipString(flex); // error message
    endStruct(r, flex);
  }
}
