// hpack.js 2.1.6 ships no types; this is the part the benchmark uses.
declare module 'hpack.js' {
  interface HeaderField {
    name: string;
    value: string;
    neverIndex: boolean;
  }
  interface Decompressor {
    write(chunk: Buffer): void;
    execute(): void;
    read(): HeaderField | null;
  }
  const hpack: { decompressor: { create(options: { table: { size: number } }): Decompressor } };
  export default hpack;
}
