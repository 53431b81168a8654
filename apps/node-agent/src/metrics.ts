import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** A live number read when /metrics is scraped. */
export type Probe = () => number;

/**
 * The agent's own /metrics: every pipeline stage shows what it holds and what it dropped, so a user can see
 * where data is lost before trusting a number on the dashboard.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly events: Counter;
  readonly transactions: Counter<'side'>;
  readonly calls: Counter;

  constructor() {
    this.events = new Counter({ name: 'kinsight_agent_events_total', help: 'capture events decoded', registers: [this.registry] });
    this.transactions = new Counter({
      name: 'kinsight_agent_transactions_total',
      help: 'L7 transactions parsed, by the side of the call the traced process was on',
      labelNames: ['side'],
      registers: [this.registry],
    });
    this.calls = new Counter({ name: 'kinsight_agent_calls_total', help: 'calls aggregated into edges', registers: [this.registry] });
  }

  /**
   * One gauge for the whole pipeline, read at scrape time: `kinsight_agent_pipeline{stage,what}` —
   * e.g. {stage="decode",what="ring_drops"} or {stage="aggregate",what="dropped"}.
   */
  pipeline(stages: Record<string, Record<string, Probe>>): void {
    new Gauge({
      name: 'kinsight_agent_pipeline',
      help: 'what each pipeline stage holds and what it dropped (counts since start)',
      labelNames: ['stage', 'what'],
      registers: [this.registry],
      collect() {
        for (const [stage, probes] of Object.entries(stages)) {
          for (const [what, probe] of Object.entries(probes)) this.set({ stage, what }, probe());
        }
      },
    });
  }

  /**
   * Serves /metrics and /healthz. The served registry also carries the process's own figures (prom-client's
   * defaults, prefixed kinsight_agent_: CPU, resident memory, V8 heap spaces, GC pauses, event-loop delay),
   * registered here rather than per instance because their observers live as long as the process.
   */
  serve(port: number, host = '127.0.0.1'): Promise<Server> {
    collectDefaultMetrics({ register: this.registry, prefix: 'kinsight_agent_' });
    const server = createServer((req, res) => {
      if (req.url === '/metrics') {
        this.registry
          .metrics()
          .then((body) => {
            res.writeHead(200, { 'content-type': this.registry.contentType });
            res.end(body);
          })
          .catch((err: unknown) => {
            res.writeHead(500).end(String(err));
          });
        return;
      }
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      res.writeHead(404).end('not found\n');
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  }
}
