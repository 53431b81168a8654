import type { ProtocolModule } from '../core/protocol.js';
import { normalizeSql } from '../sql/normalize.js';
import { sqlVerb } from '../sql/verb.js';
import type { Transaction } from '../transaction.js';
import { inferPgsql } from './infer.js';
import { PgsqlStitcher } from './stitch.js';

function asPgsql(tx: Transaction) {
  if (tx.protocol !== 'pgsql') throw new TypeError(`pgsql module given a ${tx.protocol} transaction`);
  return tx;
}

export const pgsqlModule: ProtocolModule = {
  name: 'pgsql',
  transports: ['tcp'],
  portHints: [5432],
  infer: (firstBytes, transport) => (transport === 'tcp' ? inferPgsql(firstBytes) : null),
  createStitcher: (opts = {}) => new PgsqlStitcher(opts),
  toReplay(tx) {
    const { request: q, response: r } = asPgsql(tx);
    const req: Record<string, unknown> = { type: q.type };
    if (q.sql !== null) {
      req.sql = q.sql;
      req.sql_normalized = normalizeSql(q.sql, 'postgresql');
      if (q.sqlTruncated) req.sql_truncated = true;
    }
    if (q.statement !== null) req.statement = q.statement;
    if (q.portal !== null) req.portal = q.portal;
    const resp = r === null ? null : {
      tag: r.tag, sqlstate: r.sqlstate, severity: r.severity, message: r.message, rows: r.rows,
      ...(r.notices > 0 ? { notices: r.notices } : {}), ...(r.answer !== null ? { answer: r.answer } : {}),
    };
    return { proto: 'pgsql', req, resp, trace: null };
  },
  outcome(tx) {
    const { request, response } = asPgsql(tx);
    return {
      operation: sqlVerb(request.sql) ?? request.type,
      // '00000' is SQLSTATE's own "successful completion".
      status: response === null ? null : response.sqlstate ?? '00000',
      error: response?.sqlstate != null,
    };
  },
};
