// SPDX-License-Identifier: GPL-2.0
/* Test fixture: compiles, but the verifier rejects it (unchecked map value pointer). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ks_reject_values SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int ks_verifier_reject(void *ctx)
{
	__u32 zero = 0;
	__u64 *value = bpf_map_lookup_elem(&ks_reject_values, &zero);

	/* Missing NULL check on purpose. */
	*value += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
