// Checks the ks_tcp_conn decoder against bpf/include/kinsight_events.h: the host C compiler reports the
// header's offsets and encodes a sample entry the decoder must read back.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDropKey, decodeTcpConn, deltaOf, ksTcpEnums, ksTcpLayout } from './net-stats.js';

const includeDir = fileURLToPath(new URL('../../../../bpf/include', import.meta.url));

const probeSource = String.raw`
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "kinsight_events.h"
#define OFF(f) (unsigned)offsetof(struct ks_tcp_conn, f)
static void hex(const void *p, size_t n) { const unsigned char *b = p; for (size_t i = 0; i < n; i++) printf("%02x", b[i]); }
int main(void) {
	struct ks_tcp_closed_event e;
	memset(&e, 0, sizeof(e));
	e.sk = 0xffff888011223344ULL;
	struct ks_tcp_conn *c = &e.conn;
	c->opened_ns = 1000; c->closed_ns = 9000;
	unsigned char s[4] = {10, 0, 0, 1}, d[4] = {10, 0, 0, 2};
	memcpy(c->saddr, s, 4); memcpy(c->daddr, d, 4);
	c->sport = 40000; c->dport = 8080; c->family = 2; c->role = KS_ROLE_CLIENT; c->state = 7; c->netns = 4026531840u;
	c->flags = KS_TCP_ESTABLISHED | KS_TCP_CLOSED; c->retransmits = 12; c->srtt_us = 250; c->srtt_samples = 4;
	c->resets_sent = 1; c->resets_received = 2; c->drops = 3; c->segs_out = 100; c->segs_in = 90;
	c->srtt_sum_us = 1000; c->bytes_sent = 1500000; c->bytes_received = 64;
	printf("{\"conn\":{\"openedNs\":%u,\"closedNs\":%u,\"saddr\":%u,\"daddr\":%u,\"sport\":%u,\"dport\":%u,\"family\":%u,"
	       "\"role\":%u,\"state\":%u,\"netns\":%u,\"flags\":%u,\"retransmits\":%u,\"srttUs\":%u,\"srttSamples\":%u,"
	       "\"resetsSent\":%u,\"resetsReceived\":%u,\"drops\":%u,\"segsOut\":%u,\"segsIn\":%u,\"srttSumUs\":%u,"
	       "\"bytesSent\":%u,\"bytesReceived\":%u,\"sizeof\":%u},",
	       OFF(opened_ns), OFF(closed_ns), OFF(saddr), OFF(daddr), OFF(sport), OFF(dport), OFF(family), OFF(role),
	       OFF(state), OFF(netns), OFF(flags), OFF(retransmits), OFF(srtt_us), OFF(srtt_samples), OFF(resets_sent),
	       OFF(resets_received), OFF(drops), OFF(segs_out), OFF(segs_in), OFF(srtt_sum_us), OFF(bytes_sent),
	       OFF(bytes_received), (unsigned)sizeof(struct ks_tcp_conn));
	printf("\"dropKey\":{\"sk\":%u,\"reason\":%u,\"sizeof\":%u},\"closedEvent\":%u,",
	       (unsigned)offsetof(struct ks_drop_key, sk), (unsigned)offsetof(struct ks_drop_key, reason),
	       (unsigned)sizeof(struct ks_drop_key), (unsigned)sizeof(struct ks_tcp_closed_event));
	printf("\"enums\":{\"role\":{\"unknown\":%d,\"client\":%d,\"server\":%d},\"flag\":{\"established\":%d,\"closed\":%d,"
	       "\"failed\":%d,\"refused\":%d}},", KS_ROLE_UNKNOWN, KS_ROLE_CLIENT, KS_ROLE_SERVER, KS_TCP_ESTABLISHED,
	       KS_TCP_CLOSED, KS_TCP_FAILED, KS_TCP_REFUSED);
	printf("\"sample\":\""); hex(&e, sizeof(e)); printf("\"}\n");
	return 0;
}
`;

interface Facts {
  conn: Record<string, number>;
  dropKey: Record<string, number>;
  closedEvent: number;
  enums: Record<string, Record<string, number>>;
  sample: string;
}

let facts: Facts;
let workDir: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'ks-tcp-layout-'));
  writeFileSync(join(workDir, 'probe.c'), probeSource);
  execFileSync('cc', ['-std=c11', '-Wall', '-Werror', `-I${includeDir}`, '-o', join(workDir, 'probe'), join(workDir, 'probe.c')]);
  facts = JSON.parse(execFileSync(join(workDir, 'probe'), { encoding: 'utf8' })) as Facts;
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('ks_tcp_conn layout matches kinsight_events.h', () => {
  it('has the same offsets, sizes and enum values', () => {
    expect(ksTcpLayout.conn).toEqual(facts.conn);
    expect({ sk: ksTcpLayout.dropKey.sk, reason: ksTcpLayout.dropKey.reason, sizeof: ksTcpLayout.dropKey.sizeof }).toEqual(facts.dropKey);
    expect(facts.closedEvent).toBe(8 + ksTcpLayout.conn.sizeof);
    expect(ksTcpEnums).toEqual(facts.enums);
  });

  it('decodes a closed-connection record encoded by C', () => {
    const record = Buffer.from(facts.sample, 'hex');
    expect(decodeTcpConn(record.subarray(0, 8), record.subarray(8))).toEqual({
      connId: 0xffff888011223344n, openedNs: 1000n, closedNs: 9000n,
      local: { addr: '10.0.0.1', port: 40000 }, remote: { addr: '10.0.0.2', port: 8080 },
      family: 4, role: 'client', state: 7, netns: 4026531840,
      established: true, closed: true, failed: false, refused: false,
      retransmits: 12, srttUs: 250, srttSamples: 4, srttSumUs: 1000, resetsSent: 1, resetsReceived: 2, drops: 3,
      segsOut: 100, segsIn: 90, bytesSent: 1500000, bytesReceived: 64,
    });
    expect(decodeTcpConn(Buffer.alloc(8), Buffer.alloc(10))).toBeNull();
    expect(decodeDropKey(Buffer.alloc(3))).toBeNull();
  });

  it('turns cumulative counters into interval deltas', () => {
    const record = Buffer.from(facts.sample, 'hex');
    const now = decodeTcpConn(record.subarray(0, 8), record.subarray(8));
    expect(now).not.toBeNull();
    if (!now) return;
    const before = { ...now, closed: false, retransmits: 10, bytesSent: 1000000, srttSamples: 3, srttSumUs: 700 };
    expect(deltaOf(now, before)).toMatchObject({ opened: 0, closed: 1, retransmits: 2, bytesSent: 500000, srttSamples: 1, srttSumUs: 300, resets: 0 });
    expect(deltaOf(now, undefined)).toMatchObject({ opened: 1, closed: 1, retransmits: 12, resets: 3, drops: 3 });
  });
});
