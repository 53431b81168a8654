import type { ModuleName, Transport } from './core/protocol.js';
import { protocolModule } from './registry.js';
import type { ConnectionStitcher, StitcherOptions } from './transaction.js';

export function createStitcher(protocol: ModuleName, opts: StitcherOptions & { transport?: Transport } = {}): ConnectionStitcher {
  return protocolModule(protocol).createStitcher(opts);
}
