/** Every live view refreshes at this pace; agents flush 10 s buckets, so faster adds nothing. */
export const POLL_INTERVAL_MS = 5_000;
