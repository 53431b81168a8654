// SPDX-License-Identifier: GPL-2.0
/*
 * L7 capture: the first bytes of every read/write/sendto/recvfrom on a TCP
 * socket, plus a close event when a socket fd is closed.
 *
 * Enter tracepoints resolve fd -> file -> socket -> sock and remember the
 * call (only for TCP sockets, so ordinary file I/O costs one lookup); exit
 * tracepoints know the byte count and, for reads, find the payload in the
 * user buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "kinsight_events.h"

#define AF_INET 2
#define AF_INET6 10
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define SOCK_STREAM 1
#define KS_MAX_IN_FLIGHT 16384

/* Set by the loader before load; .rodata lets the verifier prune on them. */
const volatile __u32 payload_cap = KS_PAYLOAD_MAX;
const volatile __u32 exclude_tgid = 0;

/* A syscall between enter and exit, keyed by pid_tgid. LRU, because a thread
 * killed inside a syscall never reaches exit and must not leak its slot. */
struct ks_inflight {
	__u64 sk;
	__u64 buf;
	__s32 fd;
	__u32 syscall;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, KS_MAX_IN_FLIGHT);
	__type(key, __u64);
	__type(value, struct ks_inflight);
} ks_inflight SEC(".maps");

/* Data events are 4 KiB+: too big for the 512-byte stack. They are built here
 * and copied into the ring in one step, so no ring slot stays reserved while
 * we read user memory (an open reservation stalls the consumer). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ks_data_event);
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

static __always_inline void count_stat(__u32 index)
{
	__u64 *value = bpf_map_lookup_elem(&ks_stats, &index);

	if (value)
		*value += 1;
}

static __always_inline bool is_excluded(__u64 pid_tgid)
{
	return exclude_tgid != 0 && (__u32)(pid_tgid >> 32) == exclude_tgid;
}

/* The TCP (v4/v6) sock behind fd in the current task, or NULL. */
static __always_inline struct sock *tcp_sock_of_fd(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct file **fds;
	struct file *file;
	struct socket *sock;
	struct sock *sk;
	unsigned int max_fds;
	umode_t mode;
	__u16 family;

	if (fd < 0)
		return NULL;
	max_fds = BPF_CORE_READ(task, files, fdt, max_fds);
	if ((unsigned int)fd >= max_fds)
		return NULL;
	fds = BPF_CORE_READ(task, files, fdt, fd);
	if (bpf_core_read(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock || BPF_CORE_READ(sock, type) != SOCK_STREAM)
		return NULL;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return NULL;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return NULL;
	return sk;
}

static __always_inline int on_enter(struct trace_event_raw_sys_enter *ctx, __u32 syscall)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ks_inflight call = {};
	struct sock *sk;

	if (is_excluded(pid_tgid))
		return 0;
	call.fd = (int)ctx->args[0];
	sk = tcp_sock_of_fd(call.fd);
	if (!sk)
		return 0;
	call.sk = (__u64)sk;
	call.buf = ctx->args[1];
	call.syscall = syscall;
	bpf_map_update_elem(&ks_inflight, &pid_tgid, &call, BPF_ANY);
	return 0;
}

static __always_inline void fill_addresses(struct ks_data_event *e, struct sock *sk)
{
	e->hdr.conn_id = (__u64)sk;
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (e->family == AF_INET) {
		/* Clear the bytes a previous IPv6 event left in this CPU's scratch. */
		__builtin_memset(e->local_addr, 0, KS_ADDR_LEN);
		__builtin_memset(e->remote_addr, 0, KS_ADDR_LEN);
		BPF_CORE_READ_INTO((__u32 *)e->local_addr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)e->remote_addr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO((struct in6_addr *)e->local_addr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct in6_addr *)e->remote_addr, sk, __sk_common.skc_v6_daddr);
	}
}

static __always_inline int on_exit(struct trace_event_raw_sys_exit *ctx, __u8 direction)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ks_inflight *call;
	struct ks_data_event *e;
	__u32 zero = 0;
	__u64 cap = payload_cap;
	__u64 len;
	long ret = ctx->ret;

	call = bpf_map_lookup_elem(&ks_inflight, &pid_tgid);
	if (!call)
		return 0;
	if (ret <= 0)
		goto cleanup;
	e = bpf_map_lookup_elem(&ks_scratch, &zero);
	if (!e)
		goto cleanup;

	e->hdr.kind = KS_EVENT_DATA;
	e->hdr.pid = pid_tgid >> 32;
	e->hdr.tid = (__u32)pid_tgid;
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.fd = call->fd;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	fill_addresses(e, (struct sock *)call->sk);
	e->direction = direction;
	e->syscall = call->syscall;
	e->size = (__u32)ret;

	len = ret;
	if (cap > KS_PAYLOAD_MAX)
		cap = KS_PAYLOAD_MAX;
	if (len > cap)
		len = cap;
	/* The barrier stops clang from folding this check into the ones above,
	 * so the verifier sees len bounded by the array size. */
	barrier_var(len);
	if (len > KS_PAYLOAD_MAX)
		len = KS_PAYLOAD_MAX;
	e->payload_len = len;
	if (len > 0 && bpf_probe_read_user(e->payload, len, (const void *)call->buf)) {
		e->payload_len = 0;
		count_stat(KS_STAT_PAYLOAD_FAULTS);
	}

	if (bpf_ringbuf_output(&ks_events, e, sizeof(*e), 0))
		count_stat(KS_STAT_RING_DROPS);
cleanup:
	bpf_map_delete_elem(&ks_inflight, &pid_tgid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_read")
int ks_enter_read(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(ctx, KS_SYS_READ);
}

SEC("tracepoint/syscalls/sys_exit_read")
int ks_exit_read(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx, KS_DIR_INGRESS);
}

SEC("tracepoint/syscalls/sys_enter_write")
int ks_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(ctx, KS_SYS_WRITE);
}

SEC("tracepoint/syscalls/sys_exit_write")
int ks_exit_write(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx, KS_DIR_EGRESS);
}

SEC("tracepoint/syscalls/sys_enter_sendto")
int ks_enter_sendto(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(ctx, KS_SYS_SENDTO);
}

SEC("tracepoint/syscalls/sys_exit_sendto")
int ks_exit_sendto(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx, KS_DIR_EGRESS);
}

SEC("tracepoint/syscalls/sys_enter_recvfrom")
int ks_enter_recvfrom(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(ctx, KS_SYS_RECVFROM);
}

SEC("tracepoint/syscalls/sys_exit_recvfrom")
int ks_exit_recvfrom(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx, KS_DIR_INGRESS);
}

/* The socket is still installed at enter; at exit the fd is gone. A dup'ed
 * fd reports a close too, although the connection lives on. */
SEC("tracepoint/syscalls/sys_enter_close")
int ks_enter_close(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ks_close_event *e;
	struct sock *sk;
	int fd = (int)ctx->args[0];

	if (is_excluded(pid_tgid))
		return 0;
	sk = tcp_sock_of_fd(fd);
	if (!sk)
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
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
