// Test helpers only: never exported from the package's main entry.
export { chunk, concatBytes, seededRandom, splitAt, splitAtEveryBoundary, utf8 } from './bytes.js';
export { decodePieces, type DecodeOptions, type DecodeSummary, type DecodedMessage } from './decoder-driver.js';
export { parseLlhttpFixtures, type LlhttpFixture, type LlhttpMessage } from './llhttp-fixtures.js';
export { readPixieChunkedCases, readPixieMessages, type PixieChunkedCase, type PixieMessageCase } from './pixie-vectors.js';
