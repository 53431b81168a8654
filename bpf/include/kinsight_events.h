/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * Event layouts shared by the BPF programs and the agent's decoder
 * (apps/node-agent/src/capture/events.ts, checked against this file by a test).
 * Every struct is naturally aligned with explicit padding: no packed structs,
 * so the kernel and user space agree without compiler-specific attributes.
 * Names carry a ks_ prefix because vmlinux.h already defines most short names.
 * Include after vmlinux.h (BPF) or <linux/types.h> (user space).
 */
#ifndef KINSIGHT_EVENTS_H
#define KINSIGHT_EVENTS_H

#define KS_COMM_LEN 16
#define KS_ADDR_LEN 16
/* Largest payload prefix a data event carries; payload_cap may only lower it. */
#define KS_PAYLOAD_MAX 4096

enum ks_event_kind {
	KS_EVENT_DATA = 1,
	KS_EVENT_CLOSE = 2,
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
};

/* Indexes of the per-CPU ks_stats counters. */
enum ks_stat {
	KS_STAT_RING_DROPS = 0,     /* ring buffer full: event lost */
	KS_STAT_PAYLOAD_FAULTS = 1, /* user buffer unreadable: event sent without payload */
	KS_STAT_COUNT = 4,
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

struct ks_data_event {
	struct ks_event_header hdr;
	char comm[KS_COMM_LEN];
	__u8 local_addr[KS_ADDR_LEN];  /* IPv4 in the first 4 bytes, network order */
	__u8 remote_addr[KS_ADDR_LEN];
	__u16 local_port;              /* host order */
	__u16 remote_port;             /* host order */
	__u16 family;                  /* AF_INET (2) or AF_INET6 (10) */
	__u8 direction;                /* enum ks_direction */
	__u8 syscall;                  /* enum ks_syscall */
	__u32 size;                    /* bytes the syscall returned */
	__u32 payload_len;             /* bytes of payload[] that are valid */
	__u8 payload[KS_PAYLOAD_MAX];
};

struct ks_close_event {
	struct ks_event_header hdr;
};

#endif /* KINSIGHT_EVENTS_H */
