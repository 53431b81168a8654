import type { ProtocolModule } from '../core/protocol.js';
import { normalizeSql } from '../sql/normalize.js';
import { sqlVerb } from '../sql/verb.js';
import type { Transaction } from '../transaction.js';
import { inferMysql } from './infer.js';
import { MysqlStitcher } from './stitch.js';

function asMysql(tx: Transaction) {
  if (tx.protocol !== 'mysql') throw new TypeError(`mysql module given a ${tx.protocol} transaction`);
  return tx;
}

export const mysqlModule: ProtocolModule = {
  name: 'mysql',
  transports: ['tcp'],
  portHints: [3306],
  infer: (firstBytes, transport) => (transport === 'tcp' ? inferMysql(firstBytes) : null),
  createStitcher: (opts = {}) => new MysqlStitcher(opts),
  toReplay(tx) {
    const { request: q, response: r } = asMysql(tx);
    const req: Record<string, unknown> = { command: q.command };
    if (q.sql !== null) {
      req.sql = q.sql;
      req.sql_normalized = normalizeSql(q.sql, 'mysql');
      if (q.sqlTruncated) req.sql_truncated = true;
    }
    if (q.statementId !== null) req.statement_id = q.statementId;
    if (q.schema !== null) req.schema = q.schema;
    const resp = r === null ? null : {
      ok: r.ok, kind: r.kind, error_code: r.errorCode, sqlstate: r.sqlstate, message: r.message,
      affected_rows: r.affectedRows, columns: r.columns, rows: r.rows,
    };
    return { proto: 'mysql', req, resp, trace: null };
  },
  outcome(tx) {
    const { request, response } = asMysql(tx);
    return {
      operation: sqlVerb(request.sql) ?? request.command,
      status: response === null ? null : response.ok ? 'OK' : String(response.errorCode ?? 'ERR'),
      error: response !== null && !response.ok,
    };
  },
};
