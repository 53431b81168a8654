// redis-parser 3.0.0 ships no types; this is the part the benchmark uses.
declare module 'redis-parser' {
  interface RedisParserOptions {
    returnReply: (reply: unknown) => void;
    returnError: (error: Error) => void;
    returnFatalError?: (error: Error) => void;
    returnBuffers?: boolean;
    stringNumbers?: boolean;
  }
  export default class RedisParser {
    constructor(options: RedisParserOptions);
    execute(buffer: Buffer): void;
    reset(): void;
  }
}
