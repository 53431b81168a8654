// SPDX-License-Identifier: Apache-2.0
// One BPF object through libbpf's lifecycle: open -> set globals -> load ->
// attach -> consume ring buffers -> close.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "ring_drain.h"

struct bpf_object;
struct bpf_link;
struct bpf_map;

namespace libbpf_ts {

class NativeBpfObject : public Napi::ObjectWrap<NativeBpfObject> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit NativeBpfObject(const Napi::CallbackInfo& info);
  ~NativeBpfObject() override;

 private:
  enum class State { kOpened, kLoaded, kClosed };

  Napi::Value SetGlobal(const Napi::CallbackInfo& info);
  Napi::Value Load(const Napi::CallbackInfo& info);
  Napi::Value AttachAll(const Napi::CallbackInfo& info);
  Napi::Value SetMapMaxEntries(const Napi::CallbackInfo& info);
  Napi::Value MapLookup(const Napi::CallbackInfo& info);
  Napi::Value MapUpdate(const Napi::CallbackInfo& info);
  Napi::Value MapDelete(const Napi::CallbackInfo& info);
  Napi::Value MapEntries(const Napi::CallbackInfo& info);
  Napi::Value ProgramStats(const Napi::CallbackInfo& info);
  Napi::Value OpenRingBuffer(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  void RequireState(Napi::Env env, const std::string& step, State wanted) const;
  // The named map, with a key Buffer of exactly its key size at info[1].
  bpf_map* MapWithKey(const Napi::CallbackInfo& info, const std::string& step, const std::string& map_name);
  void Release();
  static void OnEnvCleanup(void* arg);

  napi_env env_ = nullptr;
  bool cleanup_ran_ = false;
  std::string path_;
  bpf_object* object_ = nullptr;
  State state_ = State::kClosed;
  std::vector<bpf_link*> links_;
  std::vector<std::shared_ptr<RingDrain>> drains_;
};

}  // namespace libbpf_ts
