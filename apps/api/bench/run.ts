/** `DATABASE_URL=postgres://… tsx apps/api/bench/run.ts`: one JSON line per figure. */
import { apiBench } from './api-bench.js';

for await (const figure of apiBench()) process.stdout.write(`${JSON.stringify(figure)}\n`);
