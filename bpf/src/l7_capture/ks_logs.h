/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log capture: a write to fd 1 or 2 that is not an IP socket (a file, a pipe,
 * a terminal, journald's stream) is a log line of its process. Lines are
 * rate-limited per process and capped in size (log_cap) by the data path.
 */
#ifndef KS_LOGS_H
#define KS_LOGS_H

#include "ks_l7.h"

/* Log writes per process in the current one-second window. */
struct ks_log_budget {
	__u64 window_start_ns;
	__u32 writes;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct ks_log_budget);
} ks_log_budget SEC(".maps") __weak;

/* A log fd: stdout or stderr and not an IP socket. A port filter means
 * "only these connections", and log lines have no port. */
static __always_inline bool is_log_fd(int fd, bool is_inet, __u32 flags)
{
	return !is_inet && (fd == 1 || fd == 2) && !(flags & KS_FILTER_PORT);
}

/* True while this process may still log in the current second. */
static __always_inline bool log_budget_left(__u32 tgid)
{
	struct ks_log_budget fresh = {}, *budget;
	__u64 now = bpf_ktime_get_ns();

	budget = bpf_map_lookup_elem(&ks_log_budget, &tgid);
	if (!budget || now - budget->window_start_ns >= KS_NS_PER_SEC) {
		fresh.window_start_ns = now;
		fresh.writes = 1;
		bpf_map_update_elem(&ks_log_budget, &tgid, &fresh, BPF_ANY);
		return true;
	}
	if (budget->writes >= log_writes_per_sec)
		return false;
	__sync_fetch_and_add(&budget->writes, 1);
	return true;
}

#endif /* KS_LOGS_H */
