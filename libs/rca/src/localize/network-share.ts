import type { MetricWindows, SeriesWindow } from '../demarcate/model.js';
import { edgeEntity } from '../demarcate/model.js';
import { median } from '../detect/robust.js';

/**
 * Share of a call's added latency that is spent outside the callee: the rise of the call's network
 * time over the rise of its caller-seen latency (window median − baseline median, same unit).
 *
 * A robust z of network time alone cannot tell a network fault from a starved server: network time
 * sits near zero with almost no spread, so a few milliseconds of queueing in front of a CPU-starved
 * callee score in the thousands. Whether the network is the problem is a question of proportion — did
 * most of the time the caller lost go to the wire, or to the server? On Nezha's Online Boutique day the
 * answer is ≈ 1 for every network-delay fault and ≤ 0.04 for every CPU fault.
 *
 * NaN when either series is missing or the caller-seen latency did not rise.
 */
export function networkShare(callerSeen: SeriesWindow, network: SeriesWindow): number {
  const added = median(callerSeen.window) - median(callerSeen.baseline);
  const onWire = median(network.window) - median(network.baseline);
  if (!Number.isFinite(added) || !Number.isFinite(onWire) || added <= 0) return Number.NaN;
  return onWire / added;
}

/** The caller-seen latency series of a call: the first of these names present on the edge. */
const CALLER_SEEN = ['latency', 'latency_p50', 'latency_p90', 'latency_p99'] as const;

/**
 * The network-time score of a call as the fault tree's `edge.rtt_score` evidence should read it: the
 * robust z of the call's `srtt`, counted only when the network carries the majority (≥ ½) of the
 * latency the caller lost. Unchanged when the share cannot be measured (no caller-seen latency, or it
 * did not rise): then the z is all the evidence there is.
 */
export function gatedNetworkScore(metrics: MetricWindows, caller: string, callee: string): number {
  const edge = edgeEntity(caller, callee);
  const score = metrics.score('edge', edge, 'srtt');
  const network = metrics.get('edge', edge, 'srtt');
  const seen = CALLER_SEEN.map((m) => metrics.get('edge', edge, m)).find((s) => s !== undefined);
  if (!network || !seen) return score;
  const share = networkShare(seen, network);
  return Number.isFinite(share) && share < 0.5 ? 0 : score;
}

/**
 * One network signal of a call as every RCA step reads it — the demarcation's edge suspects, the fault
 * tree's evidence, the report's ranking and charts: `srtt` through the network-share gate, the counters
 * (retransmits, resets, drops, failed connects) as their robust z.
 */
export function callNetworkScore(metrics: MetricWindows, caller: string, callee: string, metric: string): number {
  return metric === 'srtt' ? gatedNetworkScore(metrics, caller, callee) : metrics.score('edge', edgeEntity(caller, callee), metric);
}
