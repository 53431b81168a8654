import { Http1Stitcher } from './http1/stitch.js';
import type { ConnectionStitcher, StitcherOptions } from './transaction.js';

export function createStitcher(protocol: 'http1', opts: StitcherOptions = {}): ConnectionStitcher {
  switch (protocol) {
    case 'http1':
      return new Http1Stitcher(opts);
  }
}
