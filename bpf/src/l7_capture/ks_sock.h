/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From an fd to its IP socket, and the socket's two ends into an event.
 */
#ifndef KS_SOCK_H
#define KS_SOCK_H

#include "ks_l7.h"

#define AF_INET 2
#define AF_INET6 10

/*
 * Defined in sock.bpf.c as global functions, so the one kfunc they use
 * (bpf_rdonly_cast) is declared in one part only: the static linker of
 * libbpf 1.1 cannot merge a kfunc declared in two objects.
 */

/* What ks_socket_of_fd found behind an fd. */
struct ks_fd_socket {
	__u64 sk;     /* struct sock address of a TCP or UDP (v4/v6) socket, else 0 */
	__u8 is_inet; /* an IP socket, even of another kind: tells it from a log fd
		       * (a file, a pipe, a terminal or a unix socket such as journald's) */
	__u8 pad[7];
};

/* Fills *out for fd in the current task; returns out->sk. (A global function
 * must return a scalar: the address travels through *out, not as a pointer.) */
extern int ks_socket_of_fd(int fd, struct ks_fd_socket *out);

/* The sock address of fd's TCP or UDP socket, else 0; *is_inet as above. */
static __always_inline __u64 ks_inet_sock_of_fd(int fd, __u8 *is_inet)
{
	struct ks_fd_socket found = {};

	ks_socket_of_fd(fd, &found);
	*is_inet = found.is_inet;
	return found.sk;
}

/* The 4-tuple, family, protocol and netns of the socket at sk (0 for a log line) into e. */
extern int ks_fill_addresses(struct ks_data_event *e, __u64 sk);

/* Local and remote port of the socket at sk, for the port filter. */
extern int ks_sock_ports(__u64 sk, __u16 *local_port, __u16 *remote_port);

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

#endif /* KS_SOCK_H */
