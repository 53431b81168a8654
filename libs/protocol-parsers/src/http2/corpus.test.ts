import { describe, expect, it } from 'vitest';
import { measureFolder } from '../corpus/agreement.js';
import { corpusRoot } from '../corpus/paths.js';
import { cStringBytes } from '../testing/index.js';
import { GrpcMessageCounter } from './grpc.js';
import { readPixieGrpcTest } from './vectors.js';

describe('http2-grpc captures against tshark 4.0 (the compare_replay.py keys)', () => {
  const result = measureFolder(corpusRoot(), 'http2-grpc');

  it('reproduces every request and status key tshark reads in the 15 captures', () => {
    expect([result.pcaps, result.groundTruthKeys, result.matched]).toEqual([15, 129, 129]);
    expect(result.captures.flatMap((c) => c.missing)).toEqual([]);
    expect(result.captures.flatMap((c) => c.problems)).toEqual([]);
  });

  it('adds only the h2c upgrade requests (stream 1 answered over HTTP/2), see KNOWN_DIFFERENCES.md', () => {
    const extra = result.captures.filter((c) => c.extra.length > 0).map((c) => [c.pcap, c.extra]);
    expect(extra).toEqual([
      ['suricata_http2-deflate-case.pcap', [['["req","GET","/"]', 1]]],
      ['suricata_http2-deflate_http2_deflate.pcap', [['["req","GET","/"]', 1]]],
      ['suricata_http2-keywords2.pcap', [['["req","GET","/robots.txt"]', 1]]],
      ['suricata_http2-range.pcap', [['["req","GET","/eicar"]', 3]]],
    ]);
  });
});

describe('Pixie gRPC vectors (http2__grpc_test.cc)', () => {
  it('counts the three length-prefixed messages of MultipleGRPCLengthPrefixedMessages, whole and split', () => {
    const source = readPixieGrpcTest();
    const test = /TEST\(ParsePB, MultipleGRPCLengthPrefixedMessages\)[\s\S]*?CreateStringView<char>\(([\s\S]*?)\);/.exec(source);
    const bytes = cStringBytes(test?.[1] ?? '');
    expect(bytes.length).toBe(54);
    const whole = new GrpcMessageCounter();
    whole.feed(bytes, bytes.length);
    expect(whole.messages).toBe(3);
    for (let i = 1; i < bytes.length; i++) {
      const split = new GrpcMessageCounter();
      split.feed(bytes.subarray(0, i), i);
      split.feed(bytes.subarray(i), bytes.length - i);
      expect(split.messages).toBe(3);
    }
  });
});
