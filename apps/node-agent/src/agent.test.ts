import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Agent, splitSections } from './agent.js';

describe('splitSections', () => {
  it('cuts sections into batches of at most maxRows rows, in section order, losing none', () => {
    const row = (n: number) => ({ n });
    const sections = {
      edges: [row(1), row(2), row(3)],
      endpoints: [row(4)],
      network: [row(5), row(6), row(7), row(8)],
      resources: [],
      logs: [row(9)],
    };
    // Rows are opaque to the splitter; plain objects stand in for each section's row type.
    const batches = splitSections(sections as unknown as Parameters<typeof splitSections>[0], 4);
    expect(batches).toEqual([
      { edges: [row(1), row(2), row(3)], endpoints: [row(4)] },
      { edges: [], network: [row(5), row(6), row(7), row(8)] },
      { edges: [], logs: [row(9)] },
    ]);
  });

  it('gives no batch for nothing', () => {
    expect(splitSections({ edges: [], endpoints: [], network: [], resources: [], logs: [] }, 10)).toEqual([]);
  });
});

describe('agent /metrics', () => {
  it('shows every pipeline stage with what it holds and what it dropped', async () => {
    const agent = new Agent({ log: pino({ level: 'silent' }) });
    const text = await agent.metrics.registry.metrics();
    const gauges = [...text.matchAll(/^kinsight_agent_pipeline\{stage="(\w+)",what="(\w+)"\} (\d+)$/gm)].map((m) => `${m[1]}.${m[2]}=${m[3]}`);
    expect(gauges).toEqual([
      'decode.submitted=0', 'decode.events=0', 'decode.ring_drops=0', 'decode.decode_errors=0', 'decode.dropped_batches=0',
      'decode.filtered=0', 'decode.skipped_in_kernel=0', 'decode.payload_faults=0', 'decode.pipeline_errors=0',
      'reassemble.open_connections=0', 'reassemble.evicted=0', 'reassemble.unknown_protocol=0', 'reassemble.roles=0',
      'reassemble.skipped_local_server_side=0', 'reassemble.socket_owners=0',
      'parse.transactions=0',
      'aggregate.open_rows=0', 'aggregate.dropped=0', 'aggregate.routes_overflowed=0', 'aggregate.network_rows=0',
      'aggregate.network_dropped=0', 'aggregate.log_dropped=0', 'aggregate.unsent_calls=0', 'aggregate.unsent_endpoint_rows=0',
      'logs.lines=0', 'logs.truncated=0', 'logs.evicted=0', 'logs.rate_limited=0',
      'network.polls=0', 'network.tracked=0', 'network.closed=0', 'network.closed_lost=0', 'network.decode_errors=0',
      'schedule.idle_policy=0', 'schedule.escalations=0',
      'resources.watched=0', 'resources.gone=0', 'resources.forgotten=0',
      'spool.queued=0', 'spool.dropped=0',
      'send.sent=0', 'send.duplicates=0', 'send.rejected=0', 'send.retries=0',
    ]);
  });

  it('hands the hot-path counts to the Prometheus counters at scrape time', async () => {
    const agent = new Agent({ log: pino({ level: 'silent' }) });
    agent.metrics.counts.events += 7;
    agent.metrics.counts.transactions.client += 3;
    agent.metrics.counts.transactions.server += 1;
    agent.metrics.counts.calls += 2;
    const first = await agent.metrics.registry.metrics();
    agent.metrics.counts.transactions.client += 2;
    const second = await agent.metrics.registry.metrics();
    const lines = (text: string) => text.split('\n').filter((l) => /^kinsight_agent_(events|transactions|calls)_total/.test(l));
    expect(lines(first)).toEqual([
      'kinsight_agent_events_total 7',
      'kinsight_agent_transactions_total{side="client"} 3',
      'kinsight_agent_transactions_total{side="server"} 1',
      'kinsight_agent_calls_total 2',
    ]);
    expect(lines(second)).toContain('kinsight_agent_transactions_total{side="client"} 5');
  });
});
