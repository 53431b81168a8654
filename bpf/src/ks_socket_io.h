/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of l7_capture.bpf.c: from an fd to its IP socket, the socket's two
 * ends into an event, and the payload head out of user memory (a buffer or a
 * bounded iovec array). No maps here: callers count what went wrong.
 */
#ifndef KS_SOCKET_IO_H
#define KS_SOCKET_IO_H

#define AF_INET 2
#define AF_INET6 10
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define SOCK_STREAM 1
#define SOCK_DGRAM 2

/* The TCP or UDP (v4/v6) sock behind fd in the current task, or NULL;
 * *is_inet tells an IP socket of another kind from a log fd (a file, a pipe,
 * a terminal or a unix socket such as journald's stdout stream). */
static __always_inline struct sock *inet_sock_of_fd(int fd, bool *is_inet)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct file **fds;
	struct file *file;
	struct socket *sock;
	struct sock *sk;
	unsigned int max_fds;
	__u16 family, type, protocol;

	*is_inet = false;
	if (fd < 0)
		return NULL;
	max_fds = BPF_CORE_READ(task, files, fdt, max_fds);
	if ((unsigned int)fd >= max_fds)
		return NULL;
	fds = BPF_CORE_READ(task, files, fdt, fd);
	if (bpf_core_read(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock)
		return NULL;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return NULL;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return NULL;
	*is_inet = true;
	type = BPF_CORE_READ(sock, type);
	protocol = BPF_CORE_READ(sk, sk_protocol);
	if (!(type == SOCK_STREAM && protocol == IPPROTO_TCP) && !(type == SOCK_DGRAM && protocol == IPPROTO_UDP))
		return NULL;
	return sk;
}

static __always_inline void fill_addresses(struct ks_data_event *e, struct sock *sk)
{
	/* Clear what a previous event left in this CPU's scratch. */
	__builtin_memset(e->local_addr, 0, KS_ADDR_LEN);
	__builtin_memset(e->remote_addr, 0, KS_ADDR_LEN);
	if (!sk) {
		e->family = 0;
		e->local_port = 0;
		e->remote_port = 0;
		e->netns = 0;
		e->protocol = 0;
		return;
	}
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->protocol = BPF_CORE_READ(sk, sk_protocol);
	e->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	e->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (e->family == AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)e->local_addr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)e->remote_addr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO((struct in6_addr *)e->local_addr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct in6_addr *)e->remote_addr, sk, __sk_common.skc_v6_daddr);
	}
}

/* Unconnected UDP: the peer is the sockaddr of the call, not the socket's. */
static __always_inline void peer_from_sockaddr(struct ks_data_event *e, __u64 addr)
{
	struct sockaddr_in6 sa = {};

	if (!addr || bpf_probe_read_user(&sa, sizeof(sa), (const void *)addr))
		return;
	if (sa.sin6_family == AF_INET) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&sa;

		if (v4->sin_port == 0)
			return;
		e->remote_port = bpf_ntohs(v4->sin_port);
		__builtin_memset(e->remote_addr, 0, KS_ADDR_LEN);
		__builtin_memcpy(e->remote_addr, &v4->sin_addr, 4);
	} else if (sa.sin6_family == AF_INET6 && sa.sin6_port != 0) {
		e->remote_port = bpf_ntohs(sa.sin6_port);
		__builtin_memcpy(e->remote_addr, &sa.sin6_addr, KS_ADDR_LEN);
	}
}

/* Copies up to cap of the total bytes moved, from a buffer or an iovec array;
 * returns how many user reads faulted (the event still goes out, shorter). */
static __always_inline int copy_payload(struct ks_data_event *e, __u64 buf, __u32 iovcnt, bool is_iov, __u64 total, __u64 cap)
{
	int faults = 0;
	__u64 copied = 0, len;
	struct iovec iov;

	if (cap > KS_PAYLOAD_MAX)
		cap = KS_PAYLOAD_MAX;
	if (!is_iov) {
		len = total < cap ? total : cap;
		/* The barrier stops clang from folding this check into the ones
		 * above, so the verifier sees len bounded by the array size. */
		barrier_var(len);
		if (len > KS_PAYLOAD_MAX)
			len = KS_PAYLOAD_MAX;
		if (len > 0 && bpf_probe_read_user(e->payload, len, (const void *)buf)) {
			faults++;
			len = 0;
		}
		copied = len;
	} else {
		for (int i = 0; i < KS_MAX_IOV; i++) {
			if (i >= iovcnt || copied >= cap || copied >= total)
				break;
			if (bpf_probe_read_user(&iov, sizeof(iov), (const void *)(buf + i * sizeof(iov)))) {
				faults++;
				break;
			}
			len = iov.iov_len;
			if (len > total - copied)
				len = total - copied;
			if (len > cap - copied)
				len = cap - copied;
			barrier_var(len);
			if (len > KS_PAYLOAD_MAX)
				len = KS_PAYLOAD_MAX;
			if (len == 0)
				continue;
			/* copied < cap <= KS_PAYLOAD_MAX: the mask changes nothing but
			 * tells the verifier the write stays inside payload + spill. */
			if (bpf_probe_read_user(e->payload + (copied & (KS_PAYLOAD_MAX - 1)), len, iov.iov_base)) {
				faults++;
				break;
			}
			copied += len;
		}
		if (iovcnt > KS_MAX_IOV && copied < total && copied < cap)
			e->flags |= KS_FLAG_IOV_LIMIT;
	}
	e->payload_len = copied;
	if (copied < total)
		e->flags |= KS_FLAG_TRUNCATED;
	return faults;
}

#endif /* KS_SOCKET_IO_H */
