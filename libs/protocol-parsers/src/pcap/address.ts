import type { Endpoint } from './types.js';

export function formatIpv4(d: Uint8Array, off: number): string {
  return `${d[off] ?? 0}.${d[off + 1] ?? 0}.${d[off + 2] ?? 0}.${d[off + 3] ?? 0}`;
}

/** RFC 5952 text form: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6(d: Uint8Array, off: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((d[off + 2 * i] ?? 0) << 8) | (d[off + 2 * i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** `ip:port`, with IPv6 addresses in brackets (`[::1]:80`) so the port stays unambiguous. */
export function formatEndpoint(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}
