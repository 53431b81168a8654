/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every part of the L7 capture shares: the loader's configuration, the
 * maps, the call remembered between a syscall's enter and exit, the run-time
 * filters and how an event reaches the ring buffer.
 *
 * The parts (data.bpf.c, lifecycle.bpf.c) are compiled one by one and linked
 * into one object, l7_capture.bpf.o, by `bpftool gen object` (see the
 * Makefile). Globals and maps are __weak so every part can include this
 * header: the linker keeps one of each, and the loader sees one map per name.
 */
#ifndef KS_L7_H
#define KS_L7_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "kinsight_events.h"

#define KS_NS_PER_SEC 1000000000ULL
#define KS_EVENT_HEAD (sizeof(struct ks_data_event) - KS_PAYLOAD_MAX)

/* Set by the loader before load; .rodata lets the verifier prune on them. */
const volatile __u32 payload_cap __weak = KS_PAYLOAD_MAX;
const volatile __u32 exclude_tgid __weak = 0;
const volatile __u32 log_cap __weak = 1024;
const volatile __u32 log_writes_per_sec __weak = 200;
/* The reader is woken only when this much is pending; otherwise it polls (batched wakeups). */
const volatile __u32 wakeup_bytes __weak = 256 * 1024;

char LICENSE[] SEC("license") __weak = "GPL";

enum ks_call_kind {
	KS_CALL_NONE = 0, /* no call of ours between enter and exit */
	KS_CALL_DATA = 1,
	KS_CALL_LOG = 2,
	KS_CALL_CONNECT = 3,
	KS_CALL_ACCEPT = 4,
};

/* The syscall a thread is in, between enter and exit. Task storage: one slot
 * per thread found without hashing, freed with the thread (a thread killed
 * inside a syscall never reaches exit and leaks nothing). */
struct ks_inflight {
	__u64 sk;
	__u64 buf;    /* the data buffer, or the iovec array when iov is set */
	__u64 addr;   /* user sockaddr of sendto/recvfrom/sendmsg/recvmsg, or 0 */
	__u32 iovcnt;
	__s32 fd;
	__u8 syscall;
	__u8 kind;    /* enum ks_call_kind; KS_CALL_NONE once exit has run */
	__u8 iov;
	__u8 pad[5];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ks_inflight);
} ks_inflight SEC(".maps") __weak;

/* Events are built here (too big for the 512-byte stack) and copied into the
 * ring in one step, so no slot stays reserved while user memory is read. The
 * spill area lets an iovec land at any offset below KS_PAYLOAD_MAX with a
 * length up to KS_PAYLOAD_MAX without the verifier seeing an overflow. */
struct ks_scratch {
	struct ks_data_event e;
	__u8 spill[KS_PAYLOAD_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ks_scratch);
} ks_scratch SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} ks_events SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KS_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} ks_stats SEC(".maps") __weak;

/* Run-time filters, written by the agent while the programs run. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ks_filter_config);
} ks_filter_config SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} ks_filter_pids SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} ks_filter_cgroups SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u8);
} ks_filter_ports SEC(".maps") __weak;

/* Sockets whose data the agent does not want (struct sock address -> 1): e.g.
 * the server side of a call whose client is on this node and captured too. The
 * agent adds them; close, connect and accept remove them (a reused address is a
 * new connection); LRU, so a socket whose close was never seen ages out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u8);
} ks_skip_socks SEC(".maps") __weak;

static __always_inline void count_stat(__u32 index)
{
	__u64 *value = bpf_map_lookup_elem(&ks_stats, &index);

	if (value)
		*value += 1;
}

static __always_inline __u32 filter_flags(void)
{
	__u32 zero = 0;
	struct ks_filter_config *config = bpf_map_lookup_elem(&ks_filter_config, &zero);

	return config ? config->flags : 0;
}

/* Early filtering by process: the agent itself, then the pid and cgroup sets. */
static __always_inline bool task_wanted(__u64 pid_tgid, __u32 flags)
{
	__u32 tgid = pid_tgid >> 32;
	__u64 cgroup;

	if (exclude_tgid != 0 && tgid == exclude_tgid)
		return false;
	if ((flags & KS_FILTER_PID) && !bpf_map_lookup_elem(&ks_filter_pids, &tgid))
		return false;
	if (flags & KS_FILTER_CGROUP) {
		cgroup = bpf_get_current_cgroup_id();
		if (!bpf_map_lookup_elem(&ks_filter_cgroups, &cgroup))
			return false;
	}
	return true;
}

static __always_inline bool ports_wanted(__u32 flags, __u16 local_port, __u16 remote_port)
{
	if (!(flags & KS_FILTER_PORT))
		return true;
	return bpf_map_lookup_elem(&ks_filter_ports, &local_port) ||
	       bpf_map_lookup_elem(&ks_filter_ports, &remote_port);
}

/* This thread's call slot; created on first use when create is set. */
static __always_inline struct ks_inflight *inflight_slot(bool create)
{
	return bpf_task_storage_get(&ks_inflight, bpf_get_current_task_btf(), NULL,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* The call this thread's enter remembered, or NULL; exit always ends it. */
static __always_inline struct ks_inflight *take_inflight(void)
{
	struct ks_inflight *call = inflight_slot(false);

	if (!call || call->kind == KS_CALL_NONE)
		return NULL;
	return call;
}

static __always_inline void fill_header(struct ks_data_event *e, __u32 kind, __u64 pid_tgid, int fd, __u64 sk)
{
	e->hdr.kind = kind;
	e->hdr.pid = pid_tgid >> 32;
	e->hdr.tid = (__u32)pid_tgid;
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.fd = fd;
	e->hdr.conn_id = sk;
	e->flags = 0;
	e->pad = 0;
	e->size = 0;
	e->payload_len = 0;
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

/* Puts head + payload_len bytes into the ring; wakes the reader only past wakeup_bytes. */
static __always_inline void submit(struct ks_data_event *e)
{
	__u64 len = e->payload_len;
	__u64 flags = BPF_RB_NO_WAKEUP;

	barrier_var(len);
	if (len > KS_PAYLOAD_MAX)
		len = KS_PAYLOAD_MAX;
	if (bpf_ringbuf_query(&ks_events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&ks_events, e, KS_EVENT_HEAD + len, flags))
		count_stat(KS_STAT_RING_DROPS);
	else
		count_stat(KS_STAT_SUBMITTED);
}

#define KS_ARG(i) ((__u64)ctx->args[i])

#endif /* KS_L7_H */
