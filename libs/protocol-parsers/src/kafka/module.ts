import type { ProtocolModule } from '../core/protocol.js';
import type { Transaction } from '../transaction.js';
import { inferKafka } from './infer.js';
import { KafkaStitcher } from './stitch.js';

function asKafka(tx: Transaction) {
  if (tx.protocol !== 'kafka') throw new TypeError(`kafka module given a ${tx.protocol} transaction`);
  return tx;
}

export const kafkaModule: ProtocolModule = {
  name: 'kafka',
  transports: ['tcp'],
  portHints: [9092, 9093, 9094, 29092],
  infer(firstBytes, transport) {
    if (transport !== 'tcp') return null;
    // Below HTTP/1's 0.95: a 14-byte binary header that merely parses is weaker proof than a request line.
    return inferKafka(firstBytes) === null ? null : { kind: 'request', confidence: 0.8 };
  },
  createStitcher: (opts = {}) => new KafkaStitcher(opts),
  toReplay(tx) {
    const { request, response } = asKafka(tx);
    return {
      proto: 'kafka',
      req: {
        api_key: request.apiKey, api_name: request.apiName, api_version: request.apiVersion,
        correlation_id: request.correlationId, client_id: request.clientId, topics: request.topics, partitions: request.partitions,
      },
      resp: response === null ? null : { error_code: response.errorCode },
      trace: request.trace === null ? null : { trace_id: request.trace.trace_id, span_id: request.trace.span_id },
    };
  },
  outcome(tx) {
    const { request, response } = asKafka(tx);
    return {
      operation: request.apiName,
      status: response === null ? null : String(response.errorCode ?? 0),
            // A Produce with acks=0 is unanswered by design, not a failure.
      error: response === null ? request.acks !== 0 : (response.errorCode ?? 0) !== 0,
    };
  },
};
