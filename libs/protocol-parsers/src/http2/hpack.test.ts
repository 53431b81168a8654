import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, h2Frame, hpackBlock } from '../testing/index.js';
import { Http2Direction } from './direction.js';
import { HpackDecoder } from './hpack.js';
import { huffmanDecode, huffmanEncode } from './huffman.js';
import { readHpackStories } from './vectors.js';

type Field = Record<string, string>;

function decodeAll(d: HpackDecoder, block: Uint8Array): { fields: Field[]; error: string | null } {
  const fields: Field[] = [];
  const error = d.decode(block, (n, v) => fields.push({ [n ?? '<unknown>']: v ?? '<unknown>' }));
  return { fields, error };
}

/** A request-side direction whose header blocks are decoded in full into `fields`. */
function framedDecoder(): { dir: Http2Direction; fields: Field[] } {
  const fields: Field[] = [];
  const dir = new Http2Direction('request', {
    headerBlock: (d, _id, b) => {
      if (b === null) throw new Error('block lost');
      const err = d.hpack.decode(b, (n, v) => fields.push({ [n ?? '<unknown>']: v ?? '<unknown>' }));
      if (err !== null) throw new Error(err);
    },
    data: () => undefined,
    control: () => undefined,
    invalid: (_d, code) => {
      throw new Error(code);
    },
  }, { maxBufferedBytes: 64 * 1024, expectPreface: false, hpackSynced: true });
  return { dir, fields };
}

/** Runs a block through the direction as HEADERS + CONTINUATION, bytes in two reads. */
function decodeFramed(f: { dir: Http2Direction; fields: Field[] }, hpack: HpackDecoder, block: Uint8Array, fragmentAt: number, readAt: number): Field[] {
  f.fields.length = 0;
  f.dir.hpack = hpack;
  const wire = concatBytes(h2Frame(1, 0, 1, block.subarray(0, fragmentAt)), h2Frame(9, 4, 1, block.subarray(fragmentAt)));
  f.dir.push({ data: wire.subarray(0, readAt), size: readAt, tsNs: 1n });
  f.dir.push({ data: wire.subarray(readAt), size: wire.length - readAt, tsNs: 2n });
  return f.fields;
}

describe('hpack-test-case stories (nghttp2 encoder)', () => {
  const stories = readHpackStories('nghttp2');

  it('has the 32 stories and 3384 header blocks of the copied suite', () => {
    expect(stories.length).toBe(32);
    expect(stories.reduce((n, s) => n + s.cases.length, 0)).toBe(3384);
  });

  it('decodes every block of every story, sharing the dynamic table, to the exact header list', () => {
    let blocks = 0;
    for (const story of stories) {
      const d = new HpackDecoder();
      for (const c of story.cases) {
        if (c.header_table_size !== undefined) d.tableSizeLimit = c.header_table_size;
        expect(decodeAll(d, fromHex(c.wire)), `${story.file} #${c.seqno}`).toEqual({ fields: c.headers, error: null });
        blocks++;
      }
    }
    expect(blocks).toBe(3384);
  });

  it('decodes every block split into HEADERS + CONTINUATION at every byte boundary, read in two pieces', () => {
    let runs = 0;
    const mismatches: string[] = [];
    const framed = framedDecoder();
    for (const story of stories) {
      const d = new HpackDecoder();
      for (const c of story.cases) {
        const block = fromHex(c.wire);
        const want = JSON.stringify(c.headers);
        for (let k = 1; k < block.length; k++) {
          // The read boundary moves with the fragment boundary (through both frame headers).
          const got = JSON.stringify(decodeFramed(framed, d.clone(), block, k, (k * 7) % (block.length + 18) + 1));
          if (got !== want) mismatches.push(`${story.file} #${c.seqno} @${k}`);
          runs++;
        }
        decodeAll(d, block);
      }
    }
    expect(mismatches).toEqual([]);
    expect(runs).toBe(RUNS_SPLIT);
  }, 60_000);
});

describe('HPACK decoder rules', () => {
  it('decodes the RFC 7541 C.4 requests with Huffman and the dynamic table', () => {
    const d = new HpackDecoder();
    expect(decodeAll(d, fromHex('828684418cf1e3c2e5f23a6ba0ab90f4ff')).fields).toEqual([
      { ':method': 'GET' }, { ':scheme': 'http' }, { ':path': '/' }, { ':authority': 'www.example.com' },
    ]);
    expect(decodeAll(d, fromHex('828684be5886a8eb10649cbf')).fields).toEqual([
      { ':method': 'GET' }, { ':scheme': 'http' }, { ':path': '/' }, { ':authority': 'www.example.com' }, { 'cache-control': 'no-cache' },
    ]);
    expect(d.dynamicTableSize).toBe(110);
  });

  it('evicts on a size update, and rejects updates above the SETTINGS limit or after a field', () => {
    const d = new HpackDecoder();
    decodeAll(d, hpackBlock([['a', 'b'], ['c', 'd']], { representation: 'indexed-literal' }));
    expect(d.dynamicEntries).toBe(2);
    expect(decodeAll(d, hpackBlock([], { sizeUpdate: 34 })).error).toBeNull();
    expect(d.dynamicEntries).toBe(1);
    expect(decodeAll(d, hpackBlock([], { sizeUpdate: 4097 })).error).toBe('hpack-table-size-too-large');
    expect(decodeAll(d, Uint8Array.of(0x82, 0x20)).error).toBe('hpack-late-size-update');
  });

  it('reports never-indexed literals and does not add them to the table', () => {
    const d = new HpackDecoder();
    const flags: boolean[] = [];
    expect(d.decode(hpackBlock([['authorization', 'secret']], { representation: 'never-indexed' }), (_n, _v, never) => flags.push(never))).toBeNull();
    expect(flags).toEqual([true]);
    expect(d.dynamicEntries).toBe(0);
  });

  it('names each broken rule', () => {
    expect(decodeAll(new HpackDecoder(), Uint8Array.of(0x80)).error).toBe('hpack-invalid-index');
    expect(decodeAll(new HpackDecoder(), Uint8Array.of(0xbe)).error).toBe('hpack-invalid-index'); // dynamic index 1, empty table
    expect(decodeAll(new HpackDecoder(), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)).error).toBe('hpack-invalid-integer');
    expect(decodeAll(new HpackDecoder(), Uint8Array.of(0x00, 0x05, 0x61)).error).toBe('hpack-truncated');
    // Huffman: 8 bits of all-ones padding is too long; EOS inside the string is forbidden.
    expect(decodeAll(new HpackDecoder(), Uint8Array.of(0x00, 0x82, 0x1f, 0xff, 0x01, 0x61)).error).toBe('hpack-invalid-huffman');
    expect(decodeAll(new HpackDecoder(), Uint8Array.of(0x00, 0x84, 0xff, 0xff, 0xff, 0xff, 0x01, 0x61)).error).toBe('hpack-invalid-huffman');
  });

  it('round-trips every byte value through the Huffman code', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const out = new Uint8Array(512);
    const n = huffmanDecode(huffmanEncode(all), 0, huffmanEncode(all).length, out);
    expect(Array.from(out.subarray(0, n))).toEqual(Array.from(all));
  });

  it('stops handing out fields past the header list cap but keeps the table in step', () => {
    const d = new HpackDecoder({ maxHeaderListBytes: 100 });
    const r = decodeAll(d, hpackBlock([['x-a', 'a'.repeat(40)], ['x-b', 'b'.repeat(40)]], { representation: 'indexed-literal' }));
    expect(r.fields).toEqual([{ 'x-a': 'a'.repeat(40) }]);
    expect(d.lastOverflow).toBe(true);
    expect(d.dynamicEntries).toBe(2);
  });

  it('mid-stream: fields that refer to unseen dynamic entries come out unknown, never guessed', () => {
    const d = new HpackDecoder({ synced: false });
    // dynamic index 1 is unknown; then a literal we add becomes dynamic index 1 and is known.
    expect(decodeAll(d, Uint8Array.of(0xbe, 0x82)).fields).toEqual([{ '<unknown>': '<unknown>' }, { ':method': 'GET' }]);
    expect(d.lastUnknown).toBe(1);
    decodeAll(d, hpackBlock([['x-new', 'v']], { representation: 'indexed-literal' }));
    expect(decodeAll(d, Uint8Array.of(0xbe, 0xbf)).fields).toEqual([{ 'x-new': 'v' }, { '<unknown>': '<unknown>' }]);
    // A size update to 0 empties the table: from then on everything is known.
    decodeAll(d, hpackBlock([], { sizeUpdate: 0 }));
    expect(d.synced).toBe(true);
    expect(decodeAll(d, Uint8Array.of(0xbe)).error).toBe('hpack-invalid-index');
  });
});

const RUNS_SPLIT = 356_935;
