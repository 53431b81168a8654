// SPDX-License-Identifier: GPL-2.0
/*
 * Socket resolution for the other parts: fd -> file -> socket -> sock, and a
 * sock's two ends. Global functions (verified once, called from every part).
 *
 * Kernel memory is read with direct loads through BTF-typed pointers (the
 * current task, and addresses made typed with bpf_rdonly_cast) instead of one
 * bpf_probe_read_kernel call per field: a load is one instruction the JIT
 * guards against faults, where a helper call costs tens of ns. Only the fd
 * array, indexed by a run-time fd, still needs a probe read. Field offsets are
 * CO-RE relocated (vmlinux.h types carry preserve_access_index).
 */
#include "ks_l7.h"
#include "ks_sock.h"

#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define SOCK_STREAM 1
#define SOCK_DGRAM 2

/* A kernel address as a read-only typed pointer (kfunc, kernel 6.2+). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define ks_cast(type, addr) ((type *)bpf_rdonly_cast((const void *)(addr), bpf_core_type_id_kernel(type)))

__noinline int ks_socket_of_fd(int fd, struct ks_fd_socket *out)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt;
	struct file *file;
	struct file *f;
	struct socket *sock;
	struct sock *sk;
	__u16 family, protocol;
	short type;

	if (!out)
		return 0;
	out->sk = 0;
	out->is_inet = 0;
	if (fd < 0)
		return 0;
	fdt = task->files->fdt;
	if ((unsigned int)fd >= fdt->max_fds)
		return 0;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]) || !file)
		return 0;
	f = ks_cast(struct file, file);
	if ((f->f_inode->i_mode & S_IFMT) != S_IFSOCK)
		return 0;
	sock = ks_cast(struct socket, f->private_data);
	sk = sock->sk;
	if (!sk)
		return 0;
	family = sk->__sk_common.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	out->is_inet = 1;
	type = sock->type;
	protocol = sk->sk_protocol;
	if (!(type == SOCK_STREAM && protocol == IPPROTO_TCP) && !(type == SOCK_DGRAM && protocol == IPPROTO_UDP))
		return 0;
	out->sk = (__u64)sk;
	return 1;
}

__noinline int ks_fill_addresses(struct ks_data_event *e, __u64 sk_addr)
{
	struct sock *sk;
	__u32 *local, *remote;

	if (!e)
		return 0;
	local = (__u32 *)e->local_addr;
	remote = (__u32 *)e->remote_addr;
	/* Clear what a previous event left in this CPU's scratch. */
	__builtin_memset(e->local_addr, 0, KS_ADDR_LEN);
	__builtin_memset(e->remote_addr, 0, KS_ADDR_LEN);
	if (!sk_addr) {
		e->family = 0;
		e->local_port = 0;
		e->remote_port = 0;
		e->netns = 0;
		e->protocol = 0;
		return 0;
	}
	sk = ks_cast(struct sock, sk_addr);
	e->family = sk->__sk_common.skc_family;
	e->protocol = sk->sk_protocol;
	e->netns = sk->__sk_common.skc_net.net->ns.inum;
	e->local_port = sk->__sk_common.skc_num;
	e->remote_port = bpf_ntohs(sk->__sk_common.skc_dport);
	if (e->family == AF_INET) {
		local[0] = sk->__sk_common.skc_rcv_saddr;
		remote[0] = sk->__sk_common.skc_daddr;
	} else {
		for (int i = 0; i < 4; i++) {
			local[i] = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[i];
			remote[i] = sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[i];
		}
	}
	return 0;
}

__noinline int ks_sock_ports(__u64 sk_addr, __u16 *local_port, __u16 *remote_port)
{
	struct sock *sk = ks_cast(struct sock, sk_addr);

	if (!local_port || !remote_port)
		return 0;
	*local_port = sk->__sk_common.skc_num;
	*remote_port = bpf_ntohs(sk->__sk_common.skc_dport);
	return 0;
}
