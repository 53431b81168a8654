import type { Inference, ModuleName, ProtocolModule, Transport } from './core/protocol.js';
import { dnsModule } from './dns/module.js';
import { http1Module } from './http1/module.js';
import { kafkaModule } from './kafka/module.js';
import { http2Module } from './http2/module.js';
import { mysqlModule } from './mysql/module.js';
import { pgsqlModule } from './pgsql/module.js';
import { redisModule } from './redis/module.js';

/**
 * Every protocol module, in the order inference tries them. Adding a protocol = one line here plus its
 * folder; nothing else in the agent or the replay tool changes.
 */
export const PROTOCOL_MODULES: readonly ProtocolModule[] = [http1Module, http2Module, redisModule, dnsModule, mysqlModule, pgsqlModule, kafkaModule];

export function protocolModule(name: ModuleName): ProtocolModule {
  const found = PROTOCOL_MODULES.find((m) => m.name === name);
  if (!found) throw new Error(`no parser for protocol "${name}"; known: ${PROTOCOL_MODULES.map((m) => m.name).join(', ')}`);
  return found;
}

export interface InferredProtocol extends Inference {
  readonly protocol: ModuleName;
}

/**
 * Names the protocol a stream speaks from its first bytes (no port guessing; a port only breaks ties
 * between equally confident answers), or null. Never throws; binary noise answers null.
 */
export function inferProtocol(
  firstBytes: Uint8Array,
  opts: { transport?: Transport; port?: number; only?: readonly ModuleName[] } = {},
): InferredProtocol | null {
  const transport = opts.transport ?? 'tcp';
  let best: InferredProtocol | null = null;
  let bestScore = 0;
  for (const module of PROTOCOL_MODULES) {
    if (opts.only && !opts.only.includes(module.name)) continue;
    if (!module.transports.includes(transport)) continue;
    const seen = module.infer(firstBytes, transport);
    if (!seen) continue;
    const score = seen.confidence + (opts.port !== undefined && module.portHints.includes(opts.port) ? 0.01 : 0);
    if (score > bestScore) {
      best = { protocol: module.name, ...seen };
      bestScore = score;
    }
  }
  return best;
}
