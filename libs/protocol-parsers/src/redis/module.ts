import type { ProtocolModule } from '../core/protocol.js';
import type { Transaction } from '../transaction.js';
import { inferRedis } from './infer.js';
import { RedisStitcher } from './stitch.js';

function asRedis(tx: Transaction) {
  if (tx.protocol !== 'redis') throw new TypeError(`redis module given a ${tx.protocol} transaction`);
  return tx;
}

export const redisModule: ProtocolModule = {
  name: 'redis',
  transports: ['tcp'],
  portHints: [6379, 6380, 26379],
  infer: (firstBytes, transport) => (transport === 'tcp' ? inferRedis(firstBytes) : null),
  createStitcher: (opts = {}) => new RedisStitcher(opts),
  toReplay(tx) {
    const { request, response } = asRedis(tx);
    return {
      proto: 'redis',
      req: { command: request.command, args: request.args, inline: request.inline },
      resp: response === null ? null : { type: response.type, error: response.error, elements: response.elements },
      trace: null,
    };
  },
  outcome(tx) {
    const { request, response } = asRedis(tx);
    return {
      operation: request.command ?? 'UNKNOWN',
      status: response === null ? null : response.type === 'error' ? response.error ?? 'ERR' : 'OK',
      error: response?.type === 'error',
    };
  },
};
