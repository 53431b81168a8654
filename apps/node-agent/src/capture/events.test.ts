// Checks the TS decoder against bpf/include/kinsight_events.h: the host C
// compiler reports the header's offsets and enum values, and encodes sample
// records that the decoder must read back.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureDecoder, decodeCaptureEvent, formatIpv6, ksEnums, ksLayout } from './events.js';

const includeDir = fileURLToPath(new URL('../../../../bpf/include', import.meta.url));

const probeSource = String.raw`
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "kinsight_events.h"

#define OFF(type, field) (unsigned)offsetof(struct type, field)

static void hex(const void *p, size_t n) {
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

int main(void) {
	struct ks_data_event d;
	struct ks_close_event c;
	memset(&d, 0, sizeof(d));
	d.hdr.kind = KS_EVENT_DATA; d.hdr.pid = 4242; d.hdr.ts_ns = 123456789012345ULL;
	d.hdr.tid = 4243; d.hdr.fd = 17; d.hdr.conn_id = 0xffff888012345678ULL;
	strcpy(d.comm, "curl");
	unsigned char v6l[16] = {0x20,0x01,0x0d,0xb8,0,0,0,0,0,0,0,0,0,0,0,1};
	unsigned char v6r[16] = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1};
	memcpy(d.local_addr, v6l, 16); memcpy(d.remote_addr, v6r, 16);
	d.local_port = 40000; d.remote_port = 8080; d.family = 10;
	d.direction = KS_DIR_INGRESS; d.syscall = KS_SYS_RECVFROM;
	d.size = 9000; d.payload_len = 5; memcpy(d.payload, "GET /", 5);
	d.netns = 4026531840u; d.protocol = 6; d.flags = KS_FLAG_TRUNCATED; d.cgroup_id = 0x1234ULL;
	memset(&c, 0, sizeof(c));
	c.hdr.kind = KS_EVENT_CLOSE; c.hdr.pid = 7; c.hdr.ts_ns = 99; c.hdr.tid = 8; c.hdr.fd = 3; c.hdr.conn_id = 0xabcdefULL;

	printf("{\"header\":{\"kind\":%u,\"pid\":%u,\"tsNs\":%u,\"tid\":%u,\"fd\":%u,\"connId\":%u,\"sizeof\":%u},",
	       OFF(ks_event_header, kind), OFF(ks_event_header, pid), OFF(ks_event_header, ts_ns),
	       OFF(ks_event_header, tid), OFF(ks_event_header, fd), OFF(ks_event_header, conn_id),
	       (unsigned)sizeof(struct ks_event_header));
	printf("\"data\":{\"comm\":%u,\"localAddr\":%u,\"remoteAddr\":%u,\"localPort\":%u,\"remotePort\":%u,"
	       "\"family\":%u,\"direction\":%u,\"syscall\":%u,\"size\":%u,\"payloadLen\":%u,\"netns\":%u,\"protocol\":%u,"
	       "\"flags\":%u,\"cgroupId\":%u,\"payload\":%u,\"sizeof\":%u},",
	       OFF(ks_data_event, comm), OFF(ks_data_event, local_addr), OFF(ks_data_event, remote_addr),
	       OFF(ks_data_event, local_port), OFF(ks_data_event, remote_port), OFF(ks_data_event, family),
	       OFF(ks_data_event, direction), OFF(ks_data_event, syscall), OFF(ks_data_event, size),
	       OFF(ks_data_event, payload_len), OFF(ks_data_event, netns), OFF(ks_data_event, protocol),
	       OFF(ks_data_event, flags), OFF(ks_data_event, cgroup_id), OFF(ks_data_event, payload),
	       (unsigned)sizeof(struct ks_data_event));
	printf("\"close\":{\"sizeof\":%u},\"commLen\":%u,\"addrLen\":%u,\"payloadMax\":%u,",
	       (unsigned)sizeof(struct ks_close_event), KS_COMM_LEN, KS_ADDR_LEN, KS_PAYLOAD_MAX);
	printf("\"enums\":{\"eventKind\":{\"data\":%d,\"close\":%d,\"connect\":%d,\"accept\":%d,\"log\":%d},"
	       "\"direction\":{\"egress\":%d,\"ingress\":%d},",
	       KS_EVENT_DATA, KS_EVENT_CLOSE, KS_EVENT_CONNECT, KS_EVENT_ACCEPT, KS_EVENT_LOG, KS_DIR_EGRESS, KS_DIR_INGRESS);
	printf("\"syscall\":{\"read\":%d,\"write\":%d,\"sendto\":%d,\"recvfrom\":%d,\"close\":%d,\"readv\":%d,"
	       "\"writev\":%d,\"sendmsg\":%d,\"recvmsg\":%d,\"connect\":%d,\"accept\":%d},",
	       KS_SYS_READ, KS_SYS_WRITE, KS_SYS_SENDTO, KS_SYS_RECVFROM, KS_SYS_CLOSE, KS_SYS_READV, KS_SYS_WRITEV,
	       KS_SYS_SENDMSG, KS_SYS_RECVMSG, KS_SYS_CONNECT, KS_SYS_ACCEPT);
	printf("\"flag\":{\"truncated\":%d,\"iovLimit\":%d},\"filter\":{\"pid\":%d,\"cgroup\":%d,\"port\":%d},",
	       KS_FLAG_TRUNCATED, KS_FLAG_IOV_LIMIT, KS_FILTER_PID, KS_FILTER_CGROUP, KS_FILTER_PORT);
	printf("\"stat\":{\"ringDrops\":%d,\"payloadFaults\":%d,\"submitted\":%d,\"logRateLimited\":%d,"
	       "\"filtered\":%d,\"skipped\":%d,\"count\":%d}},",
	       KS_STAT_RING_DROPS, KS_STAT_PAYLOAD_FAULTS, KS_STAT_SUBMITTED, KS_STAT_LOG_RATE_LIMITED, KS_STAT_FILTERED,
	       KS_STAT_SKIPPED, KS_STAT_COUNT);
	printf("\"sampleData\":\""); hex(&d, offsetof(struct ks_data_event, payload) + d.payload_len);
	printf("\",\"sampleClose\":\""); hex(&c, sizeof(c)); printf("\"}\n");
	return 0;
}
`;

interface HeaderFacts {
  header: Record<string, number>;
  data: Record<string, number>;
  close: Record<string, number>;
  commLen: number;
  addrLen: number;
  payloadMax: number;
  enums: Record<string, Record<string, number>>;
  sampleData: string;
  sampleClose: string;
}

let facts: HeaderFacts;
let workDir: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'ks-layout-'));
  writeFileSync(join(workDir, 'probe.c'), probeSource);
  const binary = join(workDir, 'probe');
  execFileSync('cc', ['-std=c11', '-Wall', '-Werror', `-I${includeDir}`, '-o', binary, join(workDir, 'probe.c')]);
  facts = JSON.parse(execFileSync(binary, { encoding: 'utf8' })) as HeaderFacts;
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('layout matches kinsight_events.h', () => {
  it('has the same offsets and sizes', () => {
    expect({ header: ksLayout.header, data: ksLayout.data, close: ksLayout.close }).toEqual({
      header: facts.header,
      data: facts.data,
      close: facts.close,
    });
    expect([ksLayout.commLen, ksLayout.addrLen, ksLayout.payloadMax]).toEqual([facts.commLen, facts.addrLen, facts.payloadMax]);
  });

  it('has the same enum values', () => {
    const { eventKind, direction, syscall, flag, filter, stat } = ksEnums;
    expect({ eventKind, direction, syscall, flag, filter, stat }).toEqual(facts.enums);
  });

  it('decodes a data record encoded by C', () => {
    const result = decodeCaptureEvent(Buffer.from(facts.sampleData, 'hex'));
    expect(result).toEqual({
      ok: true,
      event: {
        kind: 'data',
        tsNs: 123456789012345n,
        pid: 4242,
        tid: 4243,
        comm: 'curl',
        fd: 17,
        connId: 0xffff888012345678n,
        family: 6,
        transport: 'tcp',
        netns: 4026531840,
        cgroupId: 0x1234n,
        localAddr: '2001:db8::1',
        localPort: 40000,
        remoteAddr: '::1',
        remotePort: 8080,
        direction: 'ingress',
        syscall: 'recvfrom',
        size: 9000,
        payload: Buffer.from('GET /'),
        truncated: true,
      },
    });
  });

  it('decodes a close record encoded by C', () => {
    expect(decodeCaptureEvent(Buffer.from(facts.sampleClose, 'hex'))).toEqual({
      ok: true,
      event: { kind: 'close', tsNs: 99n, pid: 7, fd: 3, connId: 0xabcdefn },
    });
  });
});

describe('bad records', () => {
  it('counts short, unknown-kind and corrupt records instead of throwing', () => {
    const good = Buffer.from(facts.sampleClose, 'hex');
    const unknownKind = Buffer.from(good);
    unknownKind.writeUInt32LE(77, ksLayout.header.kind);
    const truncatedData = Buffer.from(facts.sampleData, 'hex').subarray(0, 100);
    const hugePayload = Buffer.from(facts.sampleData, 'hex');
    hugePayload.writeUInt32LE(5000, ksLayout.data.payloadLen);

    const decoder = new CaptureDecoder();
    const events = decoder.decodeBatch([Buffer.alloc(3), unknownKind, good, truncatedData, hugePayload]);
    expect(events.map((e) => e.kind)).toEqual(['close']);
    expect([decoder.decoded, decoder.errors]).toEqual([1, 4]);
    expect(decoder.lastError).toBe('payload length 5000 exceeds 4096');
  });
});

describe('raw ring batches', () => {
  it('decodes records back to back by their end offsets, like a batch from openRingBufferRaw', () => {
    const data = Buffer.from(facts.sampleData, 'hex');
    const close = Buffer.from(facts.sampleClose, 'hex');
    const bytes = Buffer.concat([close, data, close]);
    const ends = Uint32Array.from([close.length, close.length + data.length, bytes.length]);
    const decoder = new CaptureDecoder();
    const events = decoder.decodeRaw(bytes, ends);
    expect(events).toEqual(decoder.decodeBatch([close, data, close]));
    expect(events.map((e) => e.kind)).toEqual(['close', 'data', 'close']);
    // The payload is a copy: changing the batch afterwards does not change the event.
    bytes.fill(0);
    expect(events[1]?.kind === 'data' && events[1].payload.toString()).toBe('GET /');
  });

  it('counts an end offset outside the batch as a bad record and goes on', () => {
    const close = Buffer.from(facts.sampleClose, 'hex');
    const decoder = new CaptureDecoder();
    const events = decoder.decodeRaw(Buffer.concat([close, close]), Uint32Array.from([close.length, 9999, close.length * 2]));
    expect(events.map((e) => e.kind)).toEqual(['close', 'close']);
    expect([decoder.decoded, decoder.errors, decoder.lastError]).toEqual([2, 1, 'record end 9999 outside its 64-byte batch']);
  });
});

describe('formatIpv6', () => {
  it.each([
    ['00000000000000000000000000000001', '::1'],
    ['00000000000000000000000000000000', '::'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
    ['20010db8000100000001000000000001', '2001:db8:1:0:1::1'],
    ['00000000000000000000ffff7f000001', '::ffff:127.0.0.1'],
    ['fe800000000000000202b3fffe1e8329', 'fe80::202:b3ff:fe1e:8329'],
  ])('%s -> %s', (hex, text) => {
    expect(formatIpv6(Buffer.from(hex, 'hex'))).toBe(text);
  });
});
