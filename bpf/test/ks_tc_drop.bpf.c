// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture: loss injection without netem. Attached with tc (clsact,
 * direct action) on the receiving side of a veth, it drops about
 * KS_DROP_PER_MILLE of every 1000 IPv4 TCP packets at random.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define KS_DROP_PER_MILLE 100

SEC("tc")
int ks_tc_drop(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	return bpf_get_prandom_u32() % 1000 < KS_DROP_PER_MILLE ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
