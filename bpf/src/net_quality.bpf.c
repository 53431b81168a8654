// SPDX-License-Identifier: GPL-2.0
/*
 * TCP quality per connection, aggregated in kernel maps keyed by the struct
 * sock address (the same id the L7 capture uses as conn_id): opens, closes,
 * failed connects, retransmits, smoothed RTT, resets, drops with the kernel's
 * reason, bytes and segments each way. The agent reads the maps periodically.
 *
 * These tracepoints mostly run in softirq context: the current pid belongs to
 * whoever was interrupted, so nothing here records a pid.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kinsight_events.h"

#define AF_INET 2
#define AF_INET6 10

/*
 * Socket fields are read with direct loads through a typed pointer (one
 * instruction each, fault-guarded by the JIT) rather than a helper call per
 * field: tcp_probe runs for every ACK-carrying segment, so this is the hot
 * path of the whole object. bpf_rdonly_cast types an address (kernel 6.2+).
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define ks_cast(type, addr) ((type *)bpf_rdonly_cast((const void *)(addr), bpf_core_type_id_kernel(type)))

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct ks_tcp_conn);
} ks_tcp_conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} ks_tcp_closed SEC(".maps");

/* [0] closed connections lost because ks_tcp_closed was full */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ks_tcp_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ks_drop_key);
	__type(value, __u64);
} ks_tcp_drops SEC(".maps");

/* The connection's entry, created on first sight (connections older than the agent included). */
static __always_inline struct ks_tcp_conn *conn_of(const void *skaddr, __u8 role)
{
	__u64 key = (__u64)skaddr;
	struct ks_tcp_conn *conn, fresh = {};
	struct sock *sk;

	conn = bpf_map_lookup_elem(&ks_tcp_conns, &key);
	if (conn)
		return conn;
	sk = ks_cast(struct sock, skaddr);
	fresh.opened_ns = bpf_ktime_get_ns();
	fresh.role = role;
	fresh.family = sk->__sk_common.skc_family;
	fresh.netns = sk->__sk_common.skc_net.net->ns.inum;
	bpf_map_update_elem(&ks_tcp_conns, &key, &fresh, BPF_NOEXIST);
	return bpf_map_lookup_elem(&ks_tcp_conns, &key);
}

/* The 4-tuple changes until the connection is set up (ports are bound at connect). */
static __always_inline void read_tuple(struct ks_tcp_conn *conn, const void *skaddr)
{
	struct sock *sk = ks_cast(struct sock, skaddr);
	__u32 *saddr = (__u32 *)conn->saddr;
	__u32 *daddr = (__u32 *)conn->daddr;

	conn->sport = sk->__sk_common.skc_num;
	conn->dport = __builtin_bswap16(sk->__sk_common.skc_dport);
	if (conn->family == AF_INET) {
		saddr[0] = sk->__sk_common.skc_rcv_saddr;
		daddr[0] = sk->__sk_common.skc_daddr;
	} else {
		for (int i = 0; i < 4; i++) {
			saddr[i] = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[i];
			daddr[i] = sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[i];
		}
	}
}

/* The kernel's own per-socket counters: exact, and cheap to copy. */
static __always_inline void read_counters(struct ks_tcp_conn *conn, const void *skaddr)
{
	struct tcp_sock *tp = ks_cast(struct tcp_sock, skaddr);

	conn->retransmits = tp->total_retrans;
	conn->bytes_sent = tp->bytes_sent;
	conn->bytes_received = tp->bytes_received;
	conn->segs_out = tp->segs_out;
	conn->segs_in = tp->segs_in;
}

/* Hands the final counters to the agent through the ring and forgets the connection. */
static __always_inline void report_closed(__u64 key, struct ks_tcp_conn *conn)
{
	struct ks_tcp_closed_event *e;
	__u32 zero = 0;
	__u64 *lost;

	e = bpf_ringbuf_reserve(&ks_tcp_closed, sizeof(*e), 0);
	if (!e) {
		lost = bpf_map_lookup_elem(&ks_tcp_stats, &zero);
		if (lost)
			*lost += 1;
	} else {
		e->sk = key;
		__builtin_memcpy(&e->conn, conn, sizeof(e->conn));
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	}
	bpf_map_delete_elem(&ks_tcp_conns, &key);
}

SEC("tracepoint/sock/inet_sock_set_state")
int ks_tcp_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct ks_tcp_conn *conn;
	__u64 key = (__u64)ctx->skaddr;
	int newstate = ctx->newstate;
	int oldstate = ctx->oldstate;

	if (ctx->protocol != IPPROTO_TCP || newstate == TCP_LISTEN || oldstate == TCP_LISTEN)
		return 0;
	if (newstate == TCP_SYN_SENT) {
		/* A reused sock address starts a new connection. */
		bpf_map_delete_elem(&ks_tcp_conns, &key);
		conn = conn_of(ctx->skaddr, KS_ROLE_CLIENT);
	} else if (newstate == TCP_SYN_RECV) {
		bpf_map_delete_elem(&ks_tcp_conns, &key);
		conn = conn_of(ctx->skaddr, KS_ROLE_SERVER);
	} else {
		conn = bpf_map_lookup_elem(&ks_tcp_conns, &key);
		if (!conn && newstate == TCP_CLOSE)
			return 0; /* never seen: a listener or a connection older than us that never talked */
		if (!conn)
			conn = conn_of(ctx->skaddr, KS_ROLE_UNKNOWN);
	}
	if (!conn)
		return 0;
	conn->state = newstate;
	/* At CLOSE the sock is already unhashed (its local port reads 0): keep the tuple seen before. */
	if (newstate != TCP_CLOSE || conn->dport == 0)
		read_tuple(conn, ctx->skaddr);
	if (newstate == TCP_ESTABLISHED)
		conn->flags |= KS_TCP_ESTABLISHED;
	if (newstate == TCP_CLOSE) {
		conn->flags |= KS_TCP_CLOSED;
		conn->closed_ns = bpf_ktime_get_ns();
		if (oldstate == TCP_SYN_SENT)
			conn->flags |= KS_TCP_FAILED;
		read_counters(conn, ctx->skaddr);
		report_closed(key, conn);
	}
	return 0;
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int ks_tcp_retransmit(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	struct ks_tcp_conn *conn = conn_of(ctx->skaddr, KS_ROLE_UNKNOWN);

	if (!conn)
		return 0;
	/* A SYN retransmit: the local port is bound now, it was not at SYN_SENT. */
	if (conn->sport == 0)
		read_tuple(conn, ctx->skaddr);
	read_counters(conn, ctx->skaddr);
	return 0;
}

/* Every ACK-carrying segment on an established connection: a fresh srtt sample. */
SEC("tracepoint/tcp/tcp_probe")
int ks_tcp_probe(struct trace_event_raw_tcp_probe *ctx)
{
	struct ks_tcp_conn *conn = conn_of(ctx->skaddr, KS_ROLE_UNKNOWN);
	__u32 srtt_us;

	if (!conn)
		return 0;
	/* tcp_probe reports srtt in usec << 3, like tcp_sock.srtt_us. */
	srtt_us = ctx->srtt >> 3;
	if (conn->sport == 0)
		read_tuple(conn, ctx->skaddr);
	if (srtt_us > 0) {
		conn->srtt_us = srtt_us;
		conn->srtt_samples += 1;
		conn->srtt_sum_us += srtt_us;
	}
	read_counters(conn, ctx->skaddr);
	return 0;
}

SEC("tracepoint/tcp/tcp_send_reset")
int ks_tcp_send_reset(struct trace_event_raw_tcp_send_reset *ctx)
{
	struct ks_tcp_conn *conn;
	__u64 key = (__u64)ctx->skaddr;

	/* A reset for a packet that matched no socket has no connection to charge. */
	if (!key)
		return 0;
	conn = bpf_map_lookup_elem(&ks_tcp_conns, &key);
	if (conn)
		__sync_fetch_and_add(&conn->resets_sent, 1);
	return 0;
}

SEC("tracepoint/tcp/tcp_receive_reset")
int ks_tcp_receive_reset(struct trace_event_raw_tcp_event_sk *ctx)
{
	__u64 key = (__u64)ctx->skaddr;
	struct ks_tcp_conn *conn = bpf_map_lookup_elem(&ks_tcp_conns, &key);

	if (!conn)
		return 0;
	__sync_fetch_and_add(&conn->resets_received, 1);
	if (conn->state == TCP_SYN_SENT)
		conn->flags |= KS_TCP_REFUSED;
	if (conn->sport == 0)
		read_tuple(conn, ctx->skaddr);
	return 0;
}

SEC("tracepoint/skb/kfree_skb")
int ks_kfree_skb(struct trace_event_raw_kfree_skb *ctx)
{
	struct ks_drop_key key = {};
	struct ks_tcp_conn *conn;
	struct sk_buff *skb = ctx->skbaddr;
	struct sock *sk = NULL;
	__u64 one = 1, *count;

	/* 0 and 1 are "not dropped yet" and "consumed" on every kernel that has reasons. */
	if (ctx->reason <= SKB_CONSUMED)
		return 0;
	if (bpf_core_field_exists(ctx->rx_sk))
		sk = ctx->rx_sk;
	if (!sk)
		sk = BPF_CORE_READ(skb, sk);
	key.reason = ctx->reason;
	if (sk && BPF_CORE_READ(sk, sk_protocol) == IPPROTO_TCP) {
		key.sk = (__u64)sk;
		conn = bpf_map_lookup_elem(&ks_tcp_conns, &key.sk);
		if (conn)
			__sync_fetch_and_add(&conn->drops, 1);
		else
			key.sk = 0;
	}
	count = bpf_map_lookup_elem(&ks_tcp_drops, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&ks_tcp_drops, &key, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
