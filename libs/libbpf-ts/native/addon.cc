// SPDX-License-Identifier: Apache-2.0
// Entry point of the libbpf_ts addon: the BpfObject class and libbpf log control.
#include <napi.h>

#include <cerrno>

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

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InstallLibbpfPrint();
  exports.Set("NativeBpfObject", NativeBpfObject::Define(env));
  exports.Set("setLibbpfLogLevel", Napi::Function::New(env, SetLibbpfLogLevel));
  return exports;
}

}  // namespace libbpf_ts

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return libbpf_ts::Init(env, exports); }

NODE_API_MODULE(libbpf_ts, InitAddon)
