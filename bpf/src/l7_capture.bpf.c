// SPDX-License-Identifier: GPL-2.0
/*
 * L7 capture: the first bytes of every data syscall on a TCP or UDP socket
 * (read, write, readv, writev, sendto, recvfrom, sendmsg, recvmsg), connect
 * and accept for who-is-client, close for the end of a connection, and writes
 * to stdout/stderr that are not IP sockets as log lines.
 *
 * Enter tracepoints resolve fd -> file -> socket -> sock and remember the call
 * (only for sockets and log fds, so ordinary file I/O costs one lookup); exit
 * tracepoints know the byte count, find the payload in user memory and put a
 * variable-length record into the ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "kinsight_events.h"
#include "ks_socket_io.h"

#define EINPROGRESS 115
#define KS_MAX_IN_FLIGHT 16384
#define KS_NS_PER_SEC 1000000000ULL
#define KS_EVENT_HEAD (sizeof(struct ks_data_event) - KS_PAYLOAD_MAX)

/* Set by the loader before load; .rodata lets the verifier prune on them. */
const volatile __u32 payload_cap = KS_PAYLOAD_MAX;
const volatile __u32 exclude_tgid = 0;
const volatile __u32 log_cap = 1024;
const volatile __u32 log_writes_per_sec = 200;
/* The reader is woken only when this much is pending; otherwise it polls (batched wakeups). */
const volatile __u32 wakeup_bytes = 256 * 1024;

enum ks_call_kind {
	KS_CALL_DATA = 0,
	KS_CALL_LOG = 1,
	KS_CALL_CONNECT = 2,
	KS_CALL_ACCEPT = 3,
};

/* A syscall between enter and exit, keyed by pid_tgid. LRU, because a thread
 * killed inside a syscall never reaches exit and must not leak its slot. */
struct ks_inflight {
	__u64 sk;
	__u64 buf;    /* the data buffer, or the iovec array when iov is set */
	__u64 addr;   /* user sockaddr of sendto/recvfrom/sendmsg/recvmsg, or 0 */
	__u32 iovcnt;
	__s32 fd;
	__u8 syscall;
	__u8 kind;    /* enum ks_call_kind */
	__u8 iov;
	__u8 pad[5];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, KS_MAX_IN_FLIGHT);
	__type(key, __u64);
	__type(value, struct ks_inflight);
} ks_inflight SEC(".maps");

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
} ks_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} ks_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KS_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} ks_stats SEC(".maps");

/* Run-time filters, written by the agent while the programs run. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ks_filter_config);
} ks_filter_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} ks_filter_pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} ks_filter_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u8);
} ks_filter_ports SEC(".maps");

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
} ks_log_budget SEC(".maps");

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

static __always_inline bool ports_wanted(__u16 local_port, __u16 remote_port)
{
	if (!(filter_flags() & KS_FILTER_PORT))
		return true;
	return bpf_map_lookup_elem(&ks_filter_ports, &local_port) ||
	       bpf_map_lookup_elem(&ks_filter_ports, &remote_port);
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

static __always_inline int remember(__u8 syscall, int fd, __u64 buf, __u32 iovcnt, __u8 iov, __u64 addr, bool log_fd)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 flags = filter_flags();
	struct ks_inflight call = {};
	bool is_inet;
	struct sock *sk;

	if (!task_wanted(pid_tgid, flags)) {
		if (flags)
			count_stat(KS_STAT_FILTERED);
		return 0;
	}
	sk = inet_sock_of_fd(fd, &is_inet);
	if (sk) {
		call.kind = KS_CALL_DATA;
	} else if (log_fd && !is_inet && (fd == 1 || fd == 2) && !(flags & KS_FILTER_PORT)) {
		/* Log lines have no port: a port filter means "only these connections". */
		if (!log_budget_left(pid_tgid >> 32)) {
			count_stat(KS_STAT_LOG_RATE_LIMITED);
			return 0;
		}
		call.kind = KS_CALL_LOG;
	} else {
		return 0;
	}
	call.sk = (__u64)sk;
	call.fd = fd;
	call.buf = buf;
	call.iovcnt = iovcnt;
	call.iov = iov;
	call.addr = addr;
	call.syscall = syscall;
	bpf_map_update_elem(&ks_inflight, &pid_tgid, &call, BPF_ANY);
	return 0;
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

static __always_inline int on_data_exit(struct trace_event_raw_sys_exit *ctx, __u8 direction)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ks_inflight *call;
	struct ks_scratch *scratch;
	struct ks_data_event *e;
	__u32 zero = 0;
	long ret = ctx->ret;

	call = bpf_map_lookup_elem(&ks_inflight, &pid_tgid);
	if (!call)
		return 0;
	if (ret <= 0)
		goto cleanup;
	scratch = bpf_map_lookup_elem(&ks_scratch, &zero);
	if (!scratch)
		goto cleanup;
	e = &scratch->e;

	if (call->kind == KS_CALL_LOG) {
		fill_header(e, KS_EVENT_LOG, pid_tgid, call->fd, 0);
		fill_addresses(e, NULL);
		e->direction = KS_DIR_EGRESS;
		e->syscall = call->syscall;
		e->size = (__u32)ret;
		if (copy_payload(e, call->buf, call->iovcnt, call->iov, ret, log_cap))
			count_stat(KS_STAT_PAYLOAD_FAULTS);
		submit(e);
		goto cleanup;
	}
	fill_header(e, KS_EVENT_DATA, pid_tgid, call->fd, call->sk);
	fill_addresses(e, (struct sock *)call->sk);
	peer_from_sockaddr(e, call->addr);
	if (!ports_wanted(e->local_port, e->remote_port)) {
		count_stat(KS_STAT_FILTERED);
		goto cleanup;
	}
	e->direction = direction;
	e->syscall = call->syscall;
	e->size = (__u32)ret;
	if (copy_payload(e, call->buf, call->iovcnt, call->iov, ret, payload_cap))
		count_stat(KS_STAT_PAYLOAD_FAULTS);
	submit(e);
cleanup:
	bpf_map_delete_elem(&ks_inflight, &pid_tgid);
	return 0;
}

/* connect/accept: an event carrying the socket's 4-tuple and which side we are. */
static __always_inline int on_lifecycle_exit(struct trace_event_raw_sys_exit *ctx, __u32 kind)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ks_inflight *call;
	struct ks_scratch *scratch;
	struct ks_data_event *e;
	struct sock *sk;
	bool is_inet;
	__u32 zero = 0;
	long ret = ctx->ret;
	int fd;

	call = bpf_map_lookup_elem(&ks_inflight, &pid_tgid);
	if (!call)
		return 0;
	if (kind == KS_EVENT_CONNECT) {
		if (ret != 0 && ret != -EINPROGRESS)
			goto cleanup;
		fd = call->fd;
		sk = (struct sock *)call->sk;
	} else {
		if (ret < 0)
			goto cleanup;
		fd = (int)ret;
		sk = inet_sock_of_fd(fd, &is_inet);
		if (!sk)
			goto cleanup;
	}
	scratch = bpf_map_lookup_elem(&ks_scratch, &zero);
	if (!scratch)
		goto cleanup;
	e = &scratch->e;
	fill_header(e, kind, pid_tgid, fd, (__u64)sk);
	fill_addresses(e, sk);
	if (!ports_wanted(e->local_port, e->remote_port))
		goto cleanup;
	e->direction = kind == KS_EVENT_CONNECT ? KS_DIR_EGRESS : KS_DIR_INGRESS;
	e->syscall = call->syscall;
	submit(e);
cleanup:
	bpf_map_delete_elem(&ks_inflight, &pid_tgid);
	return 0;
}

#define KS_ARG(i) ((__u64)ctx->args[i])

SEC("tracepoint/syscalls/sys_enter_read")
int ks_enter_read(struct trace_event_raw_sys_enter *ctx)
{
	return remember(KS_SYS_READ, (int)KS_ARG(0), KS_ARG(1), 0, 0, 0, false);
}

SEC("tracepoint/syscalls/sys_exit_read")
int ks_exit_read(struct trace_event_raw_sys_exit *ctx)
{
	return on_data_exit(ctx, KS_DIR_INGRESS);
}

SEC("tracepoint/syscalls/sys_enter_write")
int ks_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	return remember(KS_SYS_WRITE, (int)KS_ARG(0), KS_ARG(1), 0, 0, 0, true);
}

SEC("tracepoint/syscalls/sys_exit_write")
int ks_exit_write(struct trace_event_raw_sys_exit *ctx)
{
	return on_data_exit(ctx, KS_DIR_EGRESS);
}

SEC("tracepoint/syscalls/sys_enter_readv")
int ks_enter_readv(struct trace_event_raw_sys_enter *ctx)
{
	return remember(KS_SYS_READV, (int)KS_ARG(0), KS_ARG(1), (__u32)KS_ARG(2), 1, 0, false);
}

SEC("tracepoint/syscalls/sys_exit_readv")
int ks_exit_readv(struct trace_event_raw_sys_exit *ctx)
{
	return on_data_exit(ctx, KS_DIR_INGRESS);
}

SEC("tracepoint/syscalls/sys_enter_writev")
int ks_enter_writev(struct trace_event_raw_sys_enter *ctx)
{
	return remember(KS_SYS_WRITEV, (int)KS_ARG(0), KS_ARG(1), (__u32)KS_ARG(2), 1, 0, true);
}

SEC("tracepoint/syscalls/sys_exit_writev")
int ks_exit_writev(struct trace_event_raw_sys_exit *ctx)
{
	return on_data_exit(ctx, KS_DIR_EGRESS);
}

SEC("tracepoint/syscalls/sys_enter_sendto")
int ks_enter_sendto(struct trace_event_raw_sys_enter *ctx)
{
	return remember(KS_SYS_SENDTO, (int)KS_ARG(0), KS_ARG(1), 0, 0, KS_ARG(4), false);
}

SEC("tracepoint/syscalls/sys_exit_sendto")
int ks_exit_sendto(struct trace_event_raw_sys_exit *ctx)
{
	return on_data_exit(ctx, KS_DIR_EGRESS);
}

SEC("tracepoint/syscalls/sys_enter_recvfrom")
int ks_enter_recvfrom(struct trace_event_raw_sys_enter *ctx)
{
	return remember(KS_SYS_RECVFROM, (int)KS_ARG(0), KS_ARG(1), 0, 0, KS_ARG(4), false);
}

SEC("tracepoint/syscalls/sys_exit_recvfrom")
int ks_exit_recvfrom(struct trace_event_raw_sys_exit *ctx)
{
	return on_data_exit(ctx, KS_DIR_INGRESS);
}

/* sendmsg/recvmsg: the msghdr names the iovecs and, for UDP, the peer. */
static __always_inline int remember_msg(struct trace_event_raw_sys_enter *ctx, __u8 syscall)
{
	struct user_msghdr msg = {};

	if (bpf_probe_read_user(&msg, sizeof(msg), (const void *)KS_ARG(1)))
		return 0;
	return remember(syscall, (int)KS_ARG(0), (__u64)msg.msg_iov, (__u32)msg.msg_iovlen, 1, (__u64)msg.msg_name, false);
}

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int ks_enter_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	return remember_msg(ctx, KS_SYS_SENDMSG);
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int ks_exit_sendmsg(struct trace_event_raw_sys_exit *ctx)
{
	return on_data_exit(ctx, KS_DIR_EGRESS);
}

SEC("tracepoint/syscalls/sys_enter_recvmsg")
int ks_enter_recvmsg(struct trace_event_raw_sys_enter *ctx)
{
	return remember_msg(ctx, KS_SYS_RECVMSG);
}

SEC("tracepoint/syscalls/sys_exit_recvmsg")
int ks_exit_recvmsg(struct trace_event_raw_sys_exit *ctx)
{
	return on_data_exit(ctx, KS_DIR_INGRESS);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int ks_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ks_inflight call = {};
	bool is_inet;
	struct sock *sk;

	if (!task_wanted(pid_tgid, filter_flags()))
		return 0;
	call.fd = (int)KS_ARG(0);
	sk = inet_sock_of_fd(call.fd, &is_inet);
	if (!sk)
		return 0;
	call.sk = (__u64)sk;
	call.kind = KS_CALL_CONNECT;
	call.syscall = KS_SYS_CONNECT;
	bpf_map_update_elem(&ks_inflight, &pid_tgid, &call, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int ks_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	return on_lifecycle_exit(ctx, KS_EVENT_CONNECT);
}

static __always_inline int remember_accept(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ks_inflight call = {};
	bool is_inet;

	if (!task_wanted(pid_tgid, filter_flags()))
		return 0;
	call.fd = (int)KS_ARG(0);
	if (!inet_sock_of_fd(call.fd, &is_inet))
		return 0;
	call.kind = KS_CALL_ACCEPT;
	call.syscall = KS_SYS_ACCEPT;
	bpf_map_update_elem(&ks_inflight, &pid_tgid, &call, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_accept4")
int ks_enter_accept4(struct trace_event_raw_sys_enter *ctx)
{
	return remember_accept(ctx);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int ks_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return on_lifecycle_exit(ctx, KS_EVENT_ACCEPT);
}

SEC("tracepoint/syscalls/sys_enter_accept")
int ks_enter_accept(struct trace_event_raw_sys_enter *ctx)
{
	return remember_accept(ctx);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int ks_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return on_lifecycle_exit(ctx, KS_EVENT_ACCEPT);
}

/* The socket is still installed at enter; at exit the fd is gone. A dup'ed
 * fd reports a close too, although the connection lives on. */
SEC("tracepoint/syscalls/sys_enter_close")
int ks_enter_close(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ks_close_event *e;
	struct sock *sk;
	bool is_inet;
	int fd = (int)KS_ARG(0);

	if (!task_wanted(pid_tgid, filter_flags()))
		return 0;
	sk = inet_sock_of_fd(fd, &is_inet);
	if (!sk)
		return 0;
	if (!ports_wanted(BPF_CORE_READ(sk, __sk_common.skc_num), bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport))))
		return 0;
	e = bpf_ringbuf_reserve(&ks_events, sizeof(*e), 0);
	if (!e) {
		count_stat(KS_STAT_RING_DROPS);
		return 0;
	}
	e->hdr.kind = KS_EVENT_CLOSE;
	e->hdr.pid = pid_tgid >> 32;
	e->hdr.tid = (__u32)pid_tgid;
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.fd = fd;
	e->hdr.conn_id = (__u64)sk;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	count_stat(KS_STAT_SUBMITTED);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
