// SPDX-License-Identifier: Apache-2.0
#include "globals.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

#include "bpf_error.h"

namespace libbpf_ts {
namespace {

struct RodataVar {
  std::string name;
  uint32_t offset;
  uint32_t size;
};

std::vector<RodataVar> ListRodataVars(const btf* types) {
  std::vector<RodataVar> vars;
  if (types == nullptr) return vars;
  int sec_id = btf__find_by_name_kind(types, ".rodata", BTF_KIND_DATASEC);
  if (sec_id < 0) return vars;
  const btf_type* sec = btf__type_by_id(types, sec_id);
  const btf_var_secinfo* info = btf_var_secinfos(sec);
  for (uint16_t i = 0; i < btf_vlen(sec); i++, info++) {
    const btf_type* var = btf__type_by_id(types, info->type);
    if (var == nullptr || !btf_is_var(var)) continue;
    vars.push_back({btf__name_by_offset(types, var->name_off), info->offset, info->size});
  }
  return vars;
}

bpf_map* FindRodataMap(bpf_object* object) {
  bpf_map* map;
  bpf_object__for_each_map(map, object) {
    const char* name = bpf_map__name(map);
    size_t len = strlen(name);
    if (bpf_map__is_internal(map) && len >= 7 && strcmp(name + len - 7, ".rodata") == 0) return map;
  }
  return nullptr;
}

// Little-endian encoding of an integer that must fit `size` bytes.
std::vector<uint8_t> EncodeInteger(Napi::Env env, const std::string& step, Napi::Value value, uint32_t size) {
  uint64_t bits = 0;
  bool fits = true;
  if (value.IsBigInt()) {
    bool lossless = false;
    bits = value.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) {
      int64_t signed_bits = value.As<Napi::BigInt>().Int64Value(&lossless);
      bits = static_cast<uint64_t>(signed_bits);
      fits = lossless;
    }
  } else {
    double number = value.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(number) || std::trunc(number) != number || std::fabs(number) > 9007199254740991.0) {
      ThrowBpfError(env, step, EINVAL, "value must be an integer or a Buffer");
    }
    bits = number < 0 ? static_cast<uint64_t>(static_cast<int64_t>(number)) : static_cast<uint64_t>(number);
    if (size < 8) {
      double limit = std::ldexp(1.0, static_cast<int>(size * 8));
      fits = number < 0 ? -number <= limit / 2 : number < limit;
    }
  }
  if (!fits || size > 8) {
    ThrowBpfError(env, step, ERANGE, "value does not fit the variable's " + std::to_string(size) + " bytes");
  }
  std::vector<uint8_t> bytes(size);
  for (uint32_t i = 0; i < size; i++) bytes[i] = static_cast<uint8_t>(bits >> (8 * i));
  return bytes;
}

}  // namespace

void SetRodataGlobal(Napi::Env env, bpf_object* object, const std::string& name, Napi::Value value) {
  std::string step = "set global " + name;
  std::vector<RodataVar> vars = ListRodataVars(bpf_object__btf(object));
  const RodataVar* found = nullptr;
  std::string known;
  for (const auto& var : vars) {
    if (var.name == name) found = &var;
    known += (known.empty() ? "" : ", ") + var.name;
  }
  if (found == nullptr) {
    ThrowBpfError(env, step, ENOENT,
                  "no const volatile variable of that name in .rodata; known: " + (known.empty() ? "none" : known));
  }

  std::vector<uint8_t> bytes;
  if (value.IsBuffer()) {
    auto buffer = value.As<Napi::Buffer<uint8_t>>();
    if (buffer.Length() != found->size) {
      ThrowBpfError(env, step, EINVAL,
                    "Buffer has " + std::to_string(buffer.Length()) + " bytes, the variable has " +
                        std::to_string(found->size));
    }
    bytes.assign(buffer.Data(), buffer.Data() + buffer.Length());
  } else if (value.IsNumber() || value.IsBigInt()) {
    bytes = EncodeInteger(env, step, value, found->size);
  } else {
    ThrowBpfError(env, step, EINVAL, "value must be an integer or a Buffer");
  }

  bpf_map* rodata = FindRodataMap(object);
  size_t rodata_size = 0;
  const void* initial = rodata == nullptr ? nullptr : bpf_map__initial_value(rodata, &rodata_size);
  if (initial == nullptr || found->offset + found->size > rodata_size) {
    ThrowBpfError(env, step, ENOENT, "the object has no .rodata map holding the variable");
  }
  // Patch a copy and hand it back through the public setter rather than
  // writing through libbpf's const pointer.
  std::vector<uint8_t> image(static_cast<const uint8_t*>(initial), static_cast<const uint8_t*>(initial) + rodata_size);
  memcpy(image.data() + found->offset, bytes.data(), bytes.size());
  int err = bpf_map__set_initial_value(rodata, image.data(), image.size());
  if (err != 0) ThrowBpfError(env, step, err);
}

}  // namespace libbpf_ts
