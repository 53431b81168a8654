// gRPC over HTTP/2 (grpc/doc/PROTOCOL-HTTP2.md): what observability reads off it.

export function isGrpcContentType(contentType: string | null): boolean {
  return contentType !== null && contentType.length >= 16 && contentType.slice(0, 16).toLowerCase() === 'application/grpc';
}

/** `/pkg.Service/Method` → service and method; null when `:path` is not that shape. */
export function splitGrpcPath(path: string | null): { service: string; method: string } | null {
  if (path === null || path.charCodeAt(0) !== 0x2f) return null;
  const slash = path.indexOf('/', 1);
  if (slash <= 1 || slash === path.length - 1 || path.indexOf('/', slash + 1) !== -1) return null;
  return { service: path.slice(1, slash), method: path.slice(slash + 1) };
}

/** `grpc-message` is percent-encoded UTF-8; malformed escapes are kept as sent (the spec says so). */
export function decodeGrpcMessage(raw: string): string {
  if (!raw.includes('%')) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 && i + 2 < raw.length && isHex(raw.charCodeAt(i + 1)) && isHex(raw.charCodeAt(i + 2))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(c & 0xff);
    }
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/**
 * Counts length-prefixed messages (1 flag byte + 4-byte length + payload) in a
 * body that arrives in arbitrary pieces. A gap in the capture stops the count.
 */
export class GrpcMessageCounter {
  messages = 0;
  private prefixRead = 0;
  private length = 0;
  private payloadLeft = 0;
  private lost = false;

  feed(bytes: Uint8Array | null, n: number): void {
    if (this.lost) return;
    if (bytes === null) {
      if (this.payloadLeft >= n) this.payloadLeft -= n;
      else this.lost = true;
      return;
    }
    let i = 0;
    while (i < bytes.length) {
      if (this.payloadLeft > 0) {
        const k = Math.min(this.payloadLeft, bytes.length - i);
        this.payloadLeft -= k;
        i += k;
        continue;
      }
      const b = bytes[i++] ?? 0;
      if (this.prefixRead > 0) this.length = this.length * 256 + b;
      if (++this.prefixRead === 5) {
        this.messages++;
        this.payloadLeft = this.length;
        this.prefixRead = 0;
        this.length = 0;
      }
    }
  }
}
