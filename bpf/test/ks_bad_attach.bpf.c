// SPDX-License-Identifier: GPL-2.0
/* Test fixture: loads fine, but its tracepoint does not exist, so attach fails. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_ks_no_such_call")
int ks_bad_attach(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
