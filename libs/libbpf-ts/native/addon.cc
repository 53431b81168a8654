// SPDX-License-Identifier: Apache-2.0
// Entry point of the libbpf_ts addon: the BpfObject class, libbpf log control, kernel BTF enums and the
// scheduling policy of a thread (the ring drain thread and its agent).
#include <napi.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <sched.h>

#include <cerrno>
#include <string>

#include "bpf_error.h"
#include "bpf_object.h"

namespace libbpf_ts {
namespace {

Napi::Value SetLibbpfLogLevel(const Napi::CallbackInfo& info) {
  std::string level = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  if (level == "silent") SetLogLevel(LogLevel::kSilent);
  else if (level == "warn") SetLogLevel(LogLevel::kWarn);
  else if (level == "info") SetLogLevel(LogLevel::kInfo);
  else if (level == "debug") SetLogLevel(LogLevel::kDebug);
  else ThrowBpfError(info.Env(), "set libbpf log level", EINVAL, "level must be silent, warn, info or debug");
  return info.Env().Undefined();
}

// The members of a kernel enum from the running kernel's BTF (e.g. skb_drop_reason, whose numbers
// differ between kernel versions), as {name: value}.
Napi::Value KernelBtfEnum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) ThrowBpfError(env, "kernel btf enum", EINVAL, "name must be a string");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::string step = "kernel btf enum " + name;
  uint64_t mark = LogMark();
  btf* vmlinux = btf__load_vmlinux_btf();
  if (vmlinux == nullptr) ThrowBpfError(env, step, errno, "", mark);
  int id = btf__find_by_name_kind(vmlinux, name.c_str(), BTF_KIND_ENUM);
  if (id < 0) {
    btf__free(vmlinux);
    ThrowBpfError(env, step, ENOENT, "the running kernel's BTF has no enum of that name");
  }
  const btf_type* type = btf__type_by_id(vmlinux, id);
  const struct btf_enum* member = btf_enum(type);
  Napi::Object result = Napi::Object::New(env);
  for (uint16_t i = 0; i < btf_vlen(type); i++, member++) {
    result.Set(btf__name_by_offset(vmlinux, member->name_off), Napi::Number::New(env, member->val));
  }
  btf__free(vmlinux);
  return result;
}

// sched_setscheduler(tid, SCHED_IDLE | SCHED_OTHER): Node has no call for a thread's policy. Leaving
// SCHED_IDLE again needs CAP_SYS_NICE (or RLIMIT_NICE), which the agent has as root.
Napi::Value SetThreadSchedulingPolicy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsString()) {
    ThrowBpfError(env, "set thread scheduling policy", EINVAL, "expects (tid, 'idle' | 'other')");
  }
  int64_t tid = info[0].As<Napi::Number>().Int64Value();
  std::string name = info[1].As<Napi::String>().Utf8Value();
  std::string step = "sched_setscheduler(" + std::to_string(tid) + ", " + name + ")";
  if (tid <= 0 || tid > INT32_MAX) ThrowBpfError(env, step, EINVAL, "tid must be a positive thread id");
  int policy = name == "idle" ? SCHED_IDLE : name == "other" ? SCHED_OTHER : -1;
  if (policy < 0) ThrowBpfError(env, step, EINVAL, "policy must be idle or other");
  sched_param param{};
  if (sched_setscheduler(static_cast<pid_t>(tid), policy, &param) != 0) ThrowBpfError(env, step, errno);
  return env.Undefined();
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InstallLibbpfPrint();
  exports.Set("NativeBpfObject", NativeBpfObject::Define(env));
  exports.Set("setLibbpfLogLevel", Napi::Function::New(env, SetLibbpfLogLevel));
  exports.Set("kernelBtfEnum", Napi::Function::New(env, KernelBtfEnum));
  exports.Set("setThreadSchedulingPolicy", Napi::Function::New(env, SetThreadSchedulingPolicy));
  return exports;
}

}  // namespace libbpf_ts

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return libbpf_ts::Init(env, exports); }

NODE_API_MODULE(libbpf_ts, InitAddon)
