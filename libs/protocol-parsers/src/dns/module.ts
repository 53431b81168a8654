import type { ProtocolModule } from '../core/protocol.js';
import type { Transaction } from '../transaction.js';
import { inferDns } from './infer.js';
import { DnsStitcher } from './stitch.js';

function asDns(tx: Transaction) {
  if (tx.protocol !== 'dns') throw new TypeError(`dns module given a ${tx.protocol} transaction`);
  return tx;
}

/** Rcodes that answer the question (a name that does not exist is an answer, not a failure). */
const ANSWERED = new Set(['NOERROR', 'NXDOMAIN']);

export const dnsModule: ProtocolModule = {
  name: 'dns',
  transports: ['udp', 'tcp'],
  portHints: [53, 5353, 5355],
  infer: (firstBytes, transport) => inferDns(firstBytes, transport),
  createStitcher: (opts = {}) => new DnsStitcher({ ...opts, transport: opts.transport ?? 'udp' }),
  toReplay(tx) {
    const { request, response, transport } = asDns(tx);
    return {
      proto: 'dns',
      req: {
        id: request.id,
        // compare_replay and most tools write names without the root's trailing dot; the root is ".".
        qname: request.qname, qtype: request.qtype, transport, from_response: request.fromResponse,
      },
      resp: response === null ? null : { rcode: response.rcode, answers: response.answers, truncated: response.truncated },
      trace: null,
    };
  },
  outcome(tx) {
    const { request, response } = asDns(tx);
    return {
      operation: request.qtype ?? 'QUERY',
      status: response?.rcode ?? null,
      error: response === null || !ANSWERED.has(response.rcode),
    };
  },
};
