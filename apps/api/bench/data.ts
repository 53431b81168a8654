import { type EdgeSampleInput } from '../src/routers/ingest-schema.js';

export const SERVICES = 1_000;
export const EDGES = 5_000;
export const BUCKET_MS = 10_000;

const name = (i: number) => `svc-${String(i).padStart(4, '0')}`;

/** 1,000 services, each calling 5 others: 5,000 edges, the same every bucket. */
export const EDGE_PAIRS: readonly { client: string; server: string }[] = Array.from({ length: EDGES }, (_, e) => {
  const client = e % SERVICES;
  const hop = 1 + Math.floor(e / SERVICES);
  return { client: name(client), server: name((client * 7 + hop * 131) % SERVICES) };
});

/** One bucket of all edges, with counts that vary by edge and time so sums are not trivial. */
export function bucketRows(bucketStart: number): EdgeSampleInput[] {
  return EDGE_PAIRS.map((pair, e) => {
    const requests = 1 + ((e + bucketStart / BUCKET_MS) % 50);
    const errors = (e + bucketStart / BUCKET_MS) % 17 === 0 ? 1 : 0;
    const histogram = new Array<number>(19).fill(0);
    histogram[4 + (e % 6)] = requests;
    return {
      bucketStart,
      bucketSeconds: 10,
      client: { kind: 'service', name: pair.client },
      server: { kind: 'service', name: pair.server },
      protocol: 'http1',
      method: 'GET',
      statusClass: errors ? '5xx' : '2xx',
      requests,
      errors,
      latencySumMs: requests * (8 + (e % 6) * 4),
      latencyMaxMs: 40,
      latencyHistogram: histogram,
    };
  });
}

/** The same rows as COPY text lines for edge_samples, in its column order. */
export function copyLines(rows: EdgeSampleInput[], agentId: string, batchId: string): string {
  return rows
    .map((r) =>
      [
        new Date(r.bucketStart).toISOString(), r.bucketSeconds, r.client.kind, r.client.kind === 'service' ? r.client.name : r.client.address,
        r.server.kind, r.server.kind === 'service' ? r.server.name : r.server.address, r.protocol, r.method, r.statusClass,
        r.requests, r.errors, r.latencySumMs, r.latencyMaxMs, agentId, batchId, `{${(r.latencyHistogram ?? []).join(',')}}`,
      ].join('\t'),
    )
    .join('\n') + '\n';
}
