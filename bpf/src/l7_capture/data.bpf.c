// SPDX-License-Identifier: GPL-2.0
/*
 * Data syscalls: the first bytes of every read, write, readv, writev, sendto,
 * recvfrom, sendmsg and recvmsg on a TCP or UDP socket, and writes to
 * stdout/stderr that are not IP sockets as log lines.
 *
 * Enter resolves fd -> file -> socket -> sock and remembers the call (only for
 * sockets and log fds, so ordinary file I/O costs one fd lookup); exit knows
 * the byte count, copies the payload head out of user memory and puts a
 * variable-length record into the ring buffer.
 */
#include "ks_l7.h"
#include "ks_logs.h"
#include "ks_payload.h"
#include "ks_sock.h"

static __always_inline int remember(__u8 syscall, int fd, __u64 buf, __u32 iovcnt, __u8 iov, __u64 addr, bool may_log)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 flags = filter_flags();
	struct ks_inflight *call;
	__u8 is_inet = 0;
	__u64 sk;
	__u8 kind;

	if (!task_wanted(pid_tgid, flags)) {
		if (flags)
			count_stat(KS_STAT_FILTERED);
		return 0;
	}
	sk = ks_inet_sock_of_fd(fd, &is_inet);
	if (sk) {
		if (bpf_map_lookup_elem(&ks_skip_socks, &sk)) {
			count_stat(KS_STAT_SKIPPED);
			return 0;
		}
		kind = KS_CALL_DATA;
	} else if (may_log && is_log_fd(fd, is_inet, flags)) {
		if (!log_budget_left(pid_tgid >> 32)) {
			count_stat(KS_STAT_LOG_RATE_LIMITED);
			return 0;
		}
		kind = KS_CALL_LOG;
	} else {
		return 0;
	}
	call = inflight_slot(true);
	if (!call)
		return 0;
	call->sk = sk;
	call->fd = fd;
	call->buf = buf;
	call->iovcnt = iovcnt;
	call->iov = iov;
	call->addr = addr;
	call->syscall = syscall;
	call->kind = kind;
	return 0;
}

static __always_inline int on_data_exit(struct trace_event_raw_sys_exit *ctx, __u8 direction)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ks_inflight *call = take_inflight();
	struct ks_scratch *scratch;
	struct ks_data_event *e;
	__u32 zero = 0;
	long ret = ctx->ret;

	if (!call)
		return 0;
	if (ret <= 0 || (call->kind != KS_CALL_DATA && call->kind != KS_CALL_LOG))
		goto cleanup;
	scratch = bpf_map_lookup_elem(&ks_scratch, &zero);
	if (!scratch)
		goto cleanup;
	e = &scratch->e;

	if (call->kind == KS_CALL_LOG) {
		fill_header(e, KS_EVENT_LOG, pid_tgid, call->fd, 0);
		ks_fill_addresses(e, 0);
		e->direction = KS_DIR_EGRESS;
		e->syscall = call->syscall;
		e->size = (__u32)ret;
		if (copy_payload(e, call->buf, call->iovcnt, call->iov, ret, log_cap))
			count_stat(KS_STAT_PAYLOAD_FAULTS);
		submit(e);
		goto cleanup;
	}
	ks_fill_addresses(e, call->sk);
	peer_from_sockaddr(e, call->addr);
	if (!ports_wanted(filter_flags(), e->local_port, e->remote_port)) {
		count_stat(KS_STAT_FILTERED);
		goto cleanup;
	}
	fill_header(e, KS_EVENT_DATA, pid_tgid, call->fd, call->sk);
	e->direction = direction;
	e->syscall = call->syscall;
	e->size = (__u32)ret;
	if (copy_payload(e, call->buf, call->iovcnt, call->iov, ret, payload_cap))
		count_stat(KS_STAT_PAYLOAD_FAULTS);
	submit(e);
cleanup:
	call->kind = KS_CALL_NONE;
	return 0;
}

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
