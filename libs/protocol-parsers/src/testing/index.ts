// Test helpers only: never exported from the package's main entry.
export { chunk, concatBytes, seededRandom, splitAt, splitAtEveryBoundary, utf8 } from './bytes.js';
export { decodePieces, type DecodeOptions, type DecodeSummary, type DecodedMessage } from './decoder-driver.js';
export { parseLlhttpFixtures, type LlhttpFixture, type LlhttpMessage } from './llhttp-fixtures.js';
export { readPixieChunkedCases, readPixieMessages, type PixieChunkedCase, type PixieMessageCase } from './pixie-vectors.js';
export { evalPython, type PyEnv, type PyValue } from './python-expr.js';
export { readW3cSuite, type W3cCase, type W3cExpectation, type W3cSkipped, type W3cSuite } from './w3c-suite.js';
export { HIREDIS_TYPES, decodeResp, readHiredisReaderCases, type HiredisReaderCase, type RespDecodeSummary } from './redis.js';
export { cStringBytes, mysqlPacket, pgMessage, readPixieByteStrings, splitEachChunk, stitchWire, type WireChunk } from './sql-wire.js';
export { mutateBytes, randomPieces } from './mutate.js';
export { fromHex, grpcMessage, h2Data, h2Frame, h2Goaway, h2Headers, h2RstStream, h2Settings, H2_PREFACE, hpackBlock, type HpackRepresentation } from './http2.js';
export { wrapIp, writeClassicPcap, writePcapng, type WrittenFrame } from './pcap-writer.js';
export { readTansuVectors, type TansuVector } from './tansu-vectors.js';
export { produceV9Request, recordBatch } from './kafka-frames.js';
