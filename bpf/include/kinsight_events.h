/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * Event layouts shared by the BPF programs and the agent's decoder
 * (apps/node-agent/src/capture/events.ts and net-stats.ts, checked against
 * this file by tests that compile it). Every struct is naturally aligned with
 * explicit padding: no packed structs, so the kernel and user space agree
 * without compiler-specific attributes.
 * Names carry a ks_ prefix because vmlinux.h already defines most short names.
 * Include after vmlinux.h (BPF) or <linux/types.h> (user space).
 */
#ifndef KINSIGHT_EVENTS_H
#define KINSIGHT_EVENTS_H

#define KS_COMM_LEN 16
#define KS_ADDR_LEN 16
/* Largest payload prefix a data event carries; payload_cap may only lower it. */
#define KS_PAYLOAD_MAX 4096
/* iovecs of one readv/writev/sendmsg/recvmsg copied into the payload. */
#define KS_MAX_IOV 8

enum ks_event_kind {
	KS_EVENT_DATA = 1,
	KS_EVENT_CLOSE = 2,
	KS_EVENT_CONNECT = 3, /* connect() returned 0 or EINPROGRESS: this side is the client */
	KS_EVENT_ACCEPT = 4,  /* accept()/accept4() returned a socket: this side is the server */
	KS_EVENT_LOG = 5,     /* a write to fd 1 or 2 that is not an IP socket */
};

enum ks_direction {
	KS_DIR_EGRESS = 1,
	KS_DIR_INGRESS = 2,
};

enum ks_syscall {
	KS_SYS_READ = 1,
	KS_SYS_WRITE = 2,
	KS_SYS_SENDTO = 3,
	KS_SYS_RECVFROM = 4,
	KS_SYS_CLOSE = 5,
	KS_SYS_READV = 6,
	KS_SYS_WRITEV = 7,
	KS_SYS_SENDMSG = 8,
	KS_SYS_RECVMSG = 9,
	KS_SYS_CONNECT = 10,
	KS_SYS_ACCEPT = 11,
};

enum ks_event_flag {
	KS_FLAG_TRUNCATED = 1, /* payload_len < size: only the head was copied */
	KS_FLAG_IOV_LIMIT = 2, /* more than KS_MAX_IOV iovecs: later ones were not copied */
};

/* Indexes of the per-CPU ks_stats counters. */
enum ks_stat {
	KS_STAT_RING_DROPS = 0,       /* ring buffer full: event lost */
	KS_STAT_PAYLOAD_FAULTS = 1,   /* user buffer unreadable: event sent without payload */
	KS_STAT_SUBMITTED = 2,        /* events put into the ring */
	KS_STAT_LOG_RATE_LIMITED = 3, /* log writes over the per-process rate */
	KS_STAT_FILTERED = 4,         /* socket calls skipped by the pid/cgroup/port filters */
	KS_STAT_SKIPPED = 5,          /* socket calls of sockets the agent asked not to capture (ks_skip_socks) */
	KS_STAT_COUNT = 8,
};

/* Which run-time filters are on (ks_filter_config[0].flags). */
enum ks_filter_flag {
	KS_FILTER_PID = 1,    /* only tgids in ks_filter_pids */
	KS_FILTER_CGROUP = 2, /* only cgroup v2 ids in ks_filter_cgroups */
	KS_FILTER_PORT = 4,   /* only sockets whose local or remote port is in ks_filter_ports */
};

struct ks_filter_config {
	__u32 flags; /* enum ks_filter_flag */
	__u32 pad;
};

/* First member of every event; kind says which struct follows. */
struct ks_event_header {
	__u32 kind;    /* enum ks_event_kind */
	__u32 pid;     /* tgid */
	__u64 ts_ns;   /* bpf_ktime_get_ns */
	__u32 tid;
	__s32 fd;
	__u64 conn_id; /* struct sock address; joins with tcp:* tracepoints' skaddr */
};

/*
 * Data, connect, accept and log events. The ring record ends after
 * payload_len bytes of payload: records are variable length.
 */
struct ks_data_event {
	struct ks_event_header hdr;
	char comm[KS_COMM_LEN];
	__u8 local_addr[KS_ADDR_LEN];  /* IPv4 in the first 4 bytes, network order */
	__u8 remote_addr[KS_ADDR_LEN]; /* the datagram's peer for unconnected UDP */
	__u16 local_port;              /* host order */
	__u16 remote_port;             /* host order */
	__u16 family;                  /* AF_INET (2), AF_INET6 (10), 0 for logs */
	__u8 direction;                /* enum ks_direction */
	__u8 syscall;                  /* enum ks_syscall */
	__u32 size;                    /* bytes the syscall returned */
	__u32 payload_len;             /* bytes of payload[] that are valid */
	__u32 netns;                   /* network namespace inode number */
	__u8 protocol;                 /* IPPROTO_TCP (6) or IPPROTO_UDP (17) */
	__u8 flags;                    /* enum ks_event_flag */
	__u16 pad;
	__u64 cgroup_id;               /* cgroup v2 id of the calling task */
	__u8 payload[KS_PAYLOAD_MAX];
};

struct ks_close_event {
	struct ks_event_header hdr;
};

/* Network quality of one TCP connection, kept in ks_tcp_conns keyed by struct sock address. */
enum ks_tcp_role {
	KS_ROLE_UNKNOWN = 0,
	KS_ROLE_CLIENT = 1, /* active open (SYN_SENT) */
	KS_ROLE_SERVER = 2, /* passive open (SYN_RECV) */
};

enum ks_tcp_flag {
	KS_TCP_ESTABLISHED = 1,
	KS_TCP_CLOSED = 2,
	KS_TCP_FAILED = 4,  /* SYN_SENT -> CLOSE: the connect never succeeded */
	KS_TCP_REFUSED = 8, /* a reset answered the SYN */
};

struct ks_tcp_conn {
	__u64 opened_ns;
	__u64 closed_ns;
	__u8 saddr[KS_ADDR_LEN];
	__u8 daddr[KS_ADDR_LEN];
	__u16 sport;            /* host order */
	__u16 dport;            /* host order */
	__u16 family;
	__u8 role;              /* enum ks_tcp_role */
	__u8 state;             /* last TCP state */
	__u32 netns;
	__u32 flags;            /* enum ks_tcp_flag */
	__u32 retransmits;      /* tcp_sock.total_retrans: segments, like TcpRetransSegs */
	__u32 srtt_us;          /* last smoothed RTT */
	__u32 srtt_samples;
	__u32 resets_sent;
	__u32 resets_received;
	__u32 drops;            /* kfree_skb of this socket's packets (reasons in ks_tcp_drops) */
	__u32 segs_out;
	__u32 segs_in;
	__u64 srtt_sum_us;
	__u64 bytes_sent;       /* tcp_sock.bytes_sent (includes retransmits) */
	__u64 bytes_received;   /* tcp_sock.bytes_received */
};

/* A connection's final counters, put in the ks_tcp_closed ring when it reaches TCP_CLOSE (its map
 * entry is deleted then, so a sock address reused before the next poll cannot overwrite it). */
struct ks_tcp_closed_event {
	__u64 sk;
	struct ks_tcp_conn conn;
};

/* Key of ks_tcp_drops: dropped packets per socket (0 = not attributed) and kernel drop reason. */
struct ks_drop_key {
	__u64 sk;
	__u32 reason; /* enum skb_drop_reason of the running kernel */
	__u32 pad;
};

#endif /* KINSIGHT_EVENTS_H */
