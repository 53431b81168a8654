// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture for libs/libbpf-ts: one ring record per kill(2) made by
 * target_tgid, so a test can produce an exact number of known records
 * with process.kill(pid, 0).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0;
const volatile __u64 tag = 0;

struct ks_fixture_record {
	__u64 tag;
	__u32 seq;
	__s32 target_pid;
	__s32 sig;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} ks_fixture_events SEC(".maps");

/* Per-CPU so the test can check mapLookup's one-value-per-CPU shape. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ks_fixture_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ks_fixture_seq SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_kill")
int ks_fixture_kill(struct trace_event_raw_sys_enter *ctx)
{
	struct ks_fixture_record *r;
	__u32 zero = 0;
	__u64 *calls;
	__u32 *seq;

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	calls = bpf_map_lookup_elem(&ks_fixture_calls, &zero);
	seq = bpf_map_lookup_elem(&ks_fixture_seq, &zero);
	if (!calls || !seq)
		return 0;
	*calls += 1;
	r = bpf_ringbuf_reserve(&ks_fixture_events, sizeof(*r), 0);
	if (!r)
		return 0;
	r->tag = tag;
	/* Not atomic: the test makes its kill calls from one thread. */
	r->seq = *seq;
	*seq += 1;
	r->target_pid = (__s32)ctx->args[0];
	r->sig = (__s32)ctx->args[1];
	r->pad = 0;
	bpf_ringbuf_submit(r, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
