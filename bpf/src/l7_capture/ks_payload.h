/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The payload head of a data syscall, out of user memory: from one buffer
 * (read, write, sendto, recvfrom) or from a bounded array of iovecs (readv,
 * writev, sendmsg, recvmsg), into the event's payload with a truncation flag.
 */
#ifndef KS_PAYLOAD_H
#define KS_PAYLOAD_H

#include "ks_l7.h"

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

#endif /* KS_PAYLOAD_H */
