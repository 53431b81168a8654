// SPDX-License-Identifier: GPL-2.0
/*
 * Socket lifecycle: connect and accept say which side of a connection this
 * process is (client or server) and carry the 4-tuple; close ends the
 * connection for the agent's reassembly.
 */
#include "ks_l7.h"
#include "ks_sock.h"

#define EINPROGRESS 115

static __always_inline int remember_lifecycle(int fd, __u8 kind, __u8 syscall)
{
	struct ks_inflight *call;
	__u8 is_inet = 0;
	__u64 sk;

	if (!task_wanted(bpf_get_current_pid_tgid(), filter_flags()))
		return 0;
	sk = ks_inet_sock_of_fd(fd, &is_inet);
	if (!sk)
		return 0;
	/* A connect starts a new connection on this sock: whatever was skipped before is not it. */
	if (kind == KS_CALL_CONNECT)
		bpf_map_delete_elem(&ks_skip_socks, &sk);
	call = inflight_slot(true);
	if (!call)
		return 0;
	/* connect's socket is the fd's; accept's is the listener's until exit returns the new fd. */
	call->sk = kind == KS_CALL_CONNECT ? sk : 0;
	call->fd = fd;
	call->buf = 0;
	call->iovcnt = 0;
	call->iov = 0;
	call->addr = 0;
	call->syscall = syscall;
	call->kind = kind;
	return 0;
}

/* connect/accept: an event carrying the socket's 4-tuple and which side we are. */
static __always_inline int on_lifecycle_exit(struct trace_event_raw_sys_exit *ctx, __u32 kind)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ks_inflight *call = take_inflight();
	struct ks_scratch *scratch;
	struct ks_data_event *e;
	__u64 sk;
	__u8 is_inet = 0;
	__u32 zero = 0;
	long ret = ctx->ret;
	int fd;

	if (!call)
		return 0;
	if (kind == KS_EVENT_CONNECT) {
		if (call->kind != KS_CALL_CONNECT || (ret != 0 && ret != -EINPROGRESS))
			goto cleanup;
		fd = call->fd;
		sk = call->sk;
	} else {
		if (call->kind != KS_CALL_ACCEPT || ret < 0)
			goto cleanup;
		fd = (int)ret;
		sk = ks_inet_sock_of_fd(fd, &is_inet);
		if (!sk)
			goto cleanup;
		/* A new connection on a sock address whose close we missed. */
		bpf_map_delete_elem(&ks_skip_socks, &sk);
	}
	scratch = bpf_map_lookup_elem(&ks_scratch, &zero);
	if (!scratch)
		goto cleanup;
	e = &scratch->e;
	ks_fill_addresses(e, sk);
	if (!ports_wanted(filter_flags(), e->local_port, e->remote_port))
		goto cleanup;
	fill_header(e, kind, pid_tgid, fd, sk);
	e->direction = kind == KS_EVENT_CONNECT ? KS_DIR_EGRESS : KS_DIR_INGRESS;
	e->syscall = call->syscall;
	submit(e);
cleanup:
	call->kind = KS_CALL_NONE;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int ks_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	return remember_lifecycle((int)KS_ARG(0), KS_CALL_CONNECT, KS_SYS_CONNECT);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int ks_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	return on_lifecycle_exit(ctx, KS_EVENT_CONNECT);
}

SEC("tracepoint/syscalls/sys_enter_accept4")
int ks_enter_accept4(struct trace_event_raw_sys_enter *ctx)
{
	return remember_lifecycle((int)KS_ARG(0), KS_CALL_ACCEPT, KS_SYS_ACCEPT);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int ks_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return on_lifecycle_exit(ctx, KS_EVENT_ACCEPT);
}

SEC("tracepoint/syscalls/sys_enter_accept")
int ks_enter_accept(struct trace_event_raw_sys_enter *ctx)
{
	return remember_lifecycle((int)KS_ARG(0), KS_CALL_ACCEPT, KS_SYS_ACCEPT);
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
	__u32 flags = filter_flags();
	struct ks_close_event *e;
	__u16 local_port = 0, remote_port = 0;
	__u8 is_inet = 0;
	__u64 sk;
	int fd = (int)KS_ARG(0);

	if (!task_wanted(pid_tgid, flags))
		return 0;
	sk = ks_inet_sock_of_fd(fd, &is_inet);
	if (!sk)
		return 0;
	bpf_map_delete_elem(&ks_skip_socks, &sk);
	if (flags & KS_FILTER_PORT) {
		ks_sock_ports(sk, &local_port, &remote_port);
		if (!ports_wanted(flags, local_port, remote_port))
			return 0;
	}
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
	e->hdr.conn_id = sk;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	count_stat(KS_STAT_SUBMITTED);
	return 0;
}
