// SPDX-License-Identifier: Apache-2.0
// Read-only globals (`const volatile` in BPF C) live in the object's .rodata
// map; their offsets come from the BTF DATASEC that describes that section.
#pragma once

#include <napi.h>

#include <string>

struct bpf_object;

namespace libbpf_ts {

// Writes `value` (Buffer of the exact size, or an integer Number/BigInt) into
// the initial value of .rodata. Must run before load. Throws a BpfError.
void SetRodataGlobal(Napi::Env env, bpf_object* object, const std::string& name, Napi::Value value);

}  // namespace libbpf_ts
