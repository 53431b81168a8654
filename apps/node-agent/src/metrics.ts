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
  /** Counted as plain numbers on the hot path and handed to prom-client at scrape time (a labelled inc() costs ~270 ns). */
  readonly counts = { events: 0, transactions: { client: 0, server: 0 }, calls: 0 };

  constructor() {
    const counts = this.counts;
    const counter = (name: string, help: string, read: () => number): void => {
      const collect = function (this: Counter) {
        this.reset();
        this.inc(read());
      };
      new Counter({ name, help, registers: [this.registry], collect });
    };
    counter('kinsight_agent_events_total', 'capture events decoded', () => counts.events);
    new Counter({
      name: 'kinsight_agent_transactions_total',
      help: 'L7 transactions parsed, by the side of the call the traced process was on',
      labelNames: ['side'],
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc({ side: 'client' }, counts.transactions.client);
        this.inc({ side: 'server' }, counts.transactions.server);
      },
    });
    counter('kinsight_agent_calls_total', 'calls aggregated into edges', () => counts.calls);
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
