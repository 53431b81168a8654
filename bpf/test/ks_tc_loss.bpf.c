// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the demo's slow-network scenario and its kernel test: random loss of IPv4
 * packets without netem. Attached with tc (clsact, direct action) on the receiving side of a veth, so
 * the sender's TCP really retransmits. The rate lives in a one-slot array map (parts per million) that
 * user space writes by map id after attaching: each attachment has its own rate, and the rate can
 * change while the program stays attached. Zero (the map's initial value) drops nothing.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define KS_PPM 1000000

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ks_loss_ppm SEC(".maps");

SEC("tc")
int ks_tc_loss(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u32 *ppm;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	ppm = bpf_map_lookup_elem(&ks_loss_ppm, &key);
	if (!ppm || *ppm == 0)
		return TC_ACT_OK;
	return bpf_get_prandom_u32() % KS_PPM < *ppm ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
