/**
 * Which pending request a response starting at `t` answers, for protocols that answer in order
 * (HTTP/1 keep-alive and pipelining, Redis). In sync it is the oldest. After the response stream
 * lost sync, responses may have been lost with it: the answer is then the newest request already
 * sent, and the `skip` older ones are handed out unanswered. A response that starts before every
 * pending request answers none of them (an orphan).
 */
export function pickInOrderTarget<R extends { startNs: bigint }>(
  queue: readonly R[],
  responseLostSync: boolean,
  t: bigint,
): { skip: number; target: R | null } {
  let k = 0;
  if (responseLostSync) while (k + 1 < queue.length && (queue[k + 1]?.startNs ?? t) <= t) k++;
  const target = queue[k] ?? null;
  return target === null || target.startNs > t ? { skip: 0, target: null } : { skip: k, target };
}
