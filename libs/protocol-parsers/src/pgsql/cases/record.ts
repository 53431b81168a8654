/**
 * Regenerates `pg-extended.json`: drives the local PostgreSQL (127.0.0.1:5432, trust, db `test`) with
 * node-postgres through a relay that tees every read, so the case is what a real server said.
 * Run: `npx tsx libs/protocol-parsers/src/pgsql/cases/record.ts` (never from tests).
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

interface RecordedChunk { dir: 'request' | 'response'; hex: string }

async function main(): Promise<void> {
  const chunks: RecordedChunk[] = [];
  const relay = net.createServer((client) => {
    const server = net.connect(5432, '127.0.0.1');
    client.on('data', (d) => { chunks.push({ dir: 'request', hex: d.toString('hex') }); server.write(d); });
    server.on('data', (d) => { chunks.push({ dir: 'response', hex: d.toString('hex') }); client.write(d); });
    client.on('close', () => server.end());
    server.on('close', () => client.end());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  if (address === null || typeof address === 'string') throw new Error('record: relay has no TCP port');
  const db = new pg.Client({ host: '127.0.0.1', port: address.port, user: 'postgres', database: 'test' });
  await db.connect();
  await db.query('CREATE TEMP TABLE kinsight_items (id int PRIMARY KEY, name text)');
  await db.query('INSERT INTO kinsight_items VALUES ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
  await db.query({ name: 'by_id', text: 'SELECT name FROM kinsight_items WHERE id = $1', values: [1] });
  await db.query({ name: 'by_id', text: 'SELECT name FROM kinsight_items WHERE id = $1', values: [2] });
  await db.query('SELECT 1/$1::int AS x', [0]).catch(() => undefined);
  await db.query("DO $$ BEGIN RAISE NOTICE 'hello'; END $$");
  await db.query('SELECT id FROM kinsight_items ORDER BY id; SELECT count(*) FROM kinsight_items');
  await db.end();
  await new Promise((r) => setTimeout(r, 100));
  relay.close();
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pg-extended.json');
  writeFileSync(out, JSON.stringify({ recorded: 'PostgreSQL 15 via node-postgres 8.23.1 (src/pgsql/cases/record.ts)', chunks }, null, 1) + '\n');
}

await main();
