export type { ParseResult } from './core/result.js';
export type { StreamChunk, StreamDirection } from './core/stream.js';
export type { CallOutcome, Inference, ModuleName, ProtocolModule, ProtocolName, ReplayFields, Transport } from './core/protocol.js';
export { inferProtocol, type InferredProtocol, PROTOCOL_MODULES, protocolModule } from './registry.js';
export { createStitcher } from './stitch.js';
export type {
  ConnectionStitcher, Http1Transaction, StitchInvalidCode, StitcherOptions, StitcherStats, Transaction,
} from './transaction.js';
export { Http1Decoder, createHttp1Decoder, type Http1Phase } from './http1/parse.js';
export {
  DEFAULT_HTTP1_LIMITS,
  type BodyFraming, type ConnectionAfter, type Http1ErrorCode, type Http1FinishResult, type Http1Frame, type Http1Head,
  type Http1Limits, type Http1MessageKind, type Http1ParseResult, type Http1Version, type RequestHead, type ResponseHead,
} from './http1/types.js';
