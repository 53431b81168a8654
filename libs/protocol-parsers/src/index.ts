export type { ParseResult } from './core/result.js';
export type { StreamChunk, StreamDirection } from './core/stream.js';
export type { CallOutcome, Inference, ModuleName, ProtocolModule, ProtocolName, ReplayFields, Transport } from './core/protocol.js';
export { inferProtocol, type InferredProtocol, PROTOCOL_MODULES, protocolModule } from './registry.js';
export { createStitcher } from './stitch.js';
export { readCapture } from './pcap/capture.js';
export { openCapture, type OpenedCapture } from './pcap/container.js';
export { decodeFrame, type DecodeResult } from './pcap/decode.js';
export {
  epochSeconds, formatReplayRecord, replayCapture, replayConversations,
  type ReplayOptions, type ReplayRecord, type ReplayResult,
} from './pcap/replay.js';
export type {
  CaptureFormat, CaptureFrame, CaptureReadResult, ClientRule, Conversation, ConversationChunk, Endpoint, SkipReason,
  TcpHeader, TransportPacket,
} from './pcap/types.js';
export {
  MAX_TRACE_HEADER_NAME_LENGTH, TRACE_HEADER_NAMES, extractTraceContext, type TraceContext, type TraceFormat, type TraceHeader,
} from './trace/index.js';
export type { KafkaTransaction } from './kafka/types.js';
export type {
  ConnectionStitcher, Http1Transaction, StitchInvalidCode, StitcherOptions, StitcherStats, Transaction,
} from './transaction.js';
export { Http1Decoder, createHttp1Decoder, type Http1Phase } from './http1/parse.js';
export {
  DEFAULT_HTTP1_LIMITS,
  type BodyFraming, type ConnectionAfter, type Http1ErrorCode, type Http1FinishResult, type Http1Frame, type Http1Head,
  type Http1Limits, type Http1MessageKind, type Http1ParseResult, type Http1Version, type RequestHead, type ResponseHead,
} from './http1/types.js';
export { normalizeSql, sqlVerb, type SqlDialect } from './sql/index.js';
export type { MysqlRequest, MysqlResponse, MysqlTransaction } from './mysql/types.js';
export type { PgsqlRequest, PgsqlRequestType, PgsqlResponse, PgsqlTransaction } from './pgsql/types.js';
export { RespDecoder, createRespDecoder, type RespRole } from './redis/parse.js';
export {
  DEFAULT_REDIS_LIMITS,
  type RedisErrorCode, type RedisFrame, type RedisLimits, type RedisParseResult, type RedisStitcherStats, type RedisTransaction,
  type RespType, type RespValue,
} from './redis/types.js';
export { DnsTcpDecoder, parseDnsMessage, readName } from './dns/parse.js';
export { qtypeName, rcodeName } from './dns/mnemonics.js';
export type { DnsErrorCode, DnsFrame, DnsMessage, DnsParseResult, DnsTransaction } from './dns/types.js';
export { Http2FrameDecoder, type Http2FrameDecoderOptions } from './http2/parse.js';
export { HpackDecoder, type HeaderSink, type HpackDecoderOptions } from './http2/hpack.js';
export { Http2Stitcher, type Http2Start } from './http2/stitch.js';
export {
  H2_ERROR_CODE_OF, h2ErrorName,
  type Http2ErrorCode, type Http2Frame, type Http2FrameErrorCode, type Http2ParseResult, type Http2Transaction, type HpackErrorCode,
} from './http2/types.js';
