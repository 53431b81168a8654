// SPDX-License-Identifier: Apache-2.0
#include "bpf_object.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

#include "bpf_error.h"
#include "globals.h"

namespace libbpf_ts {
namespace {

std::string StringArg(const Napi::CallbackInfo& info, size_t index, const std::string& step) {
  if (info.Length() <= index || !info[index].IsString()) {
    ThrowBpfError(info.Env(), step, EINVAL, "argument " + std::to_string(index + 1) + " must be a string");
  }
  return info[index].As<Napi::String>().Utf8Value();
}

uint32_t UintOption(const Napi::Object& options, const char* key, uint32_t fallback) {
  Napi::Value value = options.Get(key);
  return value.IsNumber() ? value.As<Napi::Number>().Uint32Value() : fallback;
}

bool IsPerCpu(bpf_map_type type) {
  return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
         type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

// "tracepoint/syscalls/sys_enter_write" -> {"syscalls", "sys_enter_write"}; false for other kinds.
bool SplitTracepoint(const std::string& section, std::string& category, std::string& name) {
  std::string rest;
  if (section.rfind("tracepoint/", 0) == 0) rest = section.substr(11);
  else if (section.rfind("tp/", 0) == 0) rest = section.substr(3);
  else return false;
  size_t slash = rest.find('/');
  if (slash == std::string::npos) return false;
  category = rest.substr(0, slash);
  name = rest.substr(slash + 1);
  return true;
}

}  // namespace

Napi::Function NativeBpfObject::Define(Napi::Env env) {
  return DefineClass(env, "NativeBpfObject",
                     {
                         InstanceMethod("setGlobal", &NativeBpfObject::SetGlobal),
                         InstanceMethod("load", &NativeBpfObject::Load),
                         InstanceMethod("attachAll", &NativeBpfObject::AttachAll),
                         InstanceMethod("mapLookup", &NativeBpfObject::MapLookup),
                         InstanceMethod("openRingBuffer", &NativeBpfObject::OpenRingBuffer),
                         InstanceMethod("close", &NativeBpfObject::Close),
                     });
}

NativeBpfObject::NativeBpfObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeBpfObject>(info) {
  path_ = StringArg(info, 0, "open");
  std::string step = "open " + path_;
  uint64_t mark = LogMark();
  object_ = bpf_object__open_file(path_.c_str(), nullptr);
  if (object_ == nullptr) ThrowBpfError(info.Env(), step, errno, "", mark);
  state_ = State::kOpened;
  // A worker thread that exits without close() must not leave programs attached.
  env_ = info.Env();
  napi_add_env_cleanup_hook(env_, &NativeBpfObject::OnEnvCleanup, this);
}

NativeBpfObject::~NativeBpfObject() {
  if (env_ != nullptr && !cleanup_ran_) napi_remove_env_cleanup_hook(env_, &NativeBpfObject::OnEnvCleanup, this);
  Release();
}

void NativeBpfObject::OnEnvCleanup(void* arg) {
  auto* self = static_cast<NativeBpfObject*>(arg);
  self->cleanup_ran_ = true;
  self->Release();
}

void NativeBpfObject::RequireState(Napi::Env env, const std::string& step, State wanted) const {
  if (state_ == wanted) return;
  if (state_ == State::kClosed) ThrowBpfError(env, step, EBADF, "the object is closed");
  if (wanted == State::kOpened) ThrowBpfError(env, step, EBUSY, "the object is already loaded; do this before load()");
  ThrowBpfError(env, step, EINVAL, "the object is not loaded yet; call load() first");
}

Napi::Value NativeBpfObject::SetGlobal(const Napi::CallbackInfo& info) {
  std::string name = StringArg(info, 0, "set global");
  RequireState(info.Env(), "set global " + name, State::kOpened);
  SetRodataGlobal(info.Env(), object_, name, info[1]);
  return info.Env().Undefined();
}

Napi::Value NativeBpfObject::Load(const Napi::CallbackInfo& info) {
  std::string step = "load " + path_;
  RequireState(info.Env(), step, State::kOpened);
  uint64_t mark = LogMark();
  int err = bpf_object__load(object_);
  if (err != 0) ThrowBpfError(info.Env(), step, err, "", mark);
  state_ = State::kLoaded;
  return info.Env().Undefined();
}

Napi::Value NativeBpfObject::AttachAll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireState(env, "attach", State::kLoaded);
  std::vector<bpf_link*> created;
  std::vector<std::string> attached;
  bpf_program* program;
  bpf_object__for_each_program(program, object_) {
    std::string section = bpf_program__section_name(program);
    std::string category;
    std::string name;
    bool tracepoint = SplitTracepoint(section, category, name);
    std::string step = tracepoint ? "attach tracepoint " + category + "/" + name : "attach " + section;
    uint64_t mark = LogMark();
    bpf_link* link = tracepoint ? bpf_program__attach_tracepoint(program, category.c_str(), name.c_str())
                                : bpf_program__attach(program);
    if (link == nullptr) {
      int err = errno;
      // All or nothing: a half-attached object would capture a misleading subset.
      for (bpf_link* done : created) bpf_link__destroy(done);
      ThrowBpfError(env, step, err, "", mark);
    }
    created.push_back(link);
    attached.push_back(section);
  }
  links_.insert(links_.end(), created.begin(), created.end());
  Napi::Array result = Napi::Array::New(env, attached.size());
  for (uint32_t i = 0; i < attached.size(); i++) result.Set(i, Napi::String::New(env, attached[i]));
  return result;
}

Napi::Value NativeBpfObject::MapLookup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string map_name = StringArg(info, 0, "map lookup");
  std::string step = "map lookup " + map_name;
  RequireState(env, step, State::kLoaded);
  bpf_map* map = bpf_object__find_map_by_name(object_, map_name.c_str());
  if (map == nullptr) ThrowBpfError(env, step, ENOENT, "no map of that name in " + path_);
  if (info.Length() < 2 || !info[1].IsBuffer()) ThrowBpfError(env, step, EINVAL, "key must be a Buffer");
  auto key = info[1].As<Napi::Buffer<uint8_t>>();
  if (key.Length() != bpf_map__key_size(map)) {
    ThrowBpfError(env, step, EINVAL,
                  "key has " + std::to_string(key.Length()) + " bytes, the map's key has " +
                      std::to_string(bpf_map__key_size(map)));
  }

  size_t value_size = bpf_map__value_size(map);
  bool per_cpu = IsPerCpu(bpf_map__type(map));
  int cpus = per_cpu ? libbpf_num_possible_cpus() : 1;
  if (cpus <= 0) ThrowBpfError(env, step, -cpus, "cannot count possible CPUs");
  // Per-CPU values come back as one 8-byte-aligned slot per possible CPU.
  size_t stride = per_cpu ? (value_size + 7) / 8 * 8 : value_size;
  std::vector<uint8_t> values(stride * static_cast<size_t>(cpus));
  if (bpf_map_lookup_elem(bpf_map__fd(map), key.Data(), values.data()) != 0) {
    if (errno == ENOENT) return env.Null();
    ThrowBpfError(env, step, errno);
  }
  if (!per_cpu) return Napi::Buffer<uint8_t>::Copy(env, values.data(), value_size);
  Napi::Array result = Napi::Array::New(env, static_cast<size_t>(cpus));
  for (int cpu = 0; cpu < cpus; cpu++) {
    result.Set(static_cast<uint32_t>(cpu), Napi::Buffer<uint8_t>::Copy(env, values.data() + stride * cpu, value_size));
  }
  return result;
}

Napi::Value NativeBpfObject::OpenRingBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string map_name = StringArg(info, 0, "open ring buffer");
  std::string step = "open ring buffer " + map_name;
  RequireState(env, step, State::kLoaded);
  bpf_map* map = bpf_object__find_map_by_name(object_, map_name.c_str());
  if (map == nullptr) ThrowBpfError(env, step, ENOENT, "no map of that name in " + path_);
  if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF) ThrowBpfError(env, step, EINVAL, "the map is not a BPF_MAP_TYPE_RINGBUF");
  if (info.Length() < 2 || !info[1].IsFunction()) ThrowBpfError(env, step, EINVAL, "onBatch must be a function");

  RingDrainOptions options;
  if (info.Length() > 2 && info[2].IsObject()) {
    Napi::Object given = info[2].As<Napi::Object>();
    options.max_batch = UintOption(given, "maxBatch", static_cast<uint32_t>(options.max_batch));
    options.poll_ms = static_cast<int>(UintOption(given, "pollMs", static_cast<uint32_t>(options.poll_ms)));
    options.max_queued_batches =
        UintOption(given, "maxQueuedBatches", static_cast<uint32_t>(options.max_queued_batches));
  }
  if (options.max_batch == 0 || options.poll_ms <= 0 || options.max_queued_batches == 0) {
    ThrowBpfError(env, step, EINVAL, "maxBatch, pollMs and maxQueuedBatches must be positive");
  }

  std::shared_ptr<RingDrain> drain = RingDrain::Start(env, map_name, bpf_map__fd(map), info[1].As<Napi::Function>(), options);
  drains_.push_back(drain);

  Napi::Object handle = Napi::Object::New(env);
  handle.Set("stats", Napi::Function::New(env, [drain](const Napi::CallbackInfo& call) -> Napi::Value {
               return drain->Stats(call.Env());
             }));
  handle.Set("close", Napi::Function::New(env, [drain](const Napi::CallbackInfo& call) -> Napi::Value {
               drain->Stop();
               return call.Env().Undefined();
             }));
  return handle;
}

Napi::Value NativeBpfObject::Close(const Napi::CallbackInfo& info) {
  Release();
  return info.Env().Undefined();
}

void NativeBpfObject::Release() {
  // Order matters: consumers read map fds, links reference programs.
  for (auto& drain : drains_) drain->Stop();
  drains_.clear();
  for (bpf_link* link : links_) bpf_link__destroy(link);
  links_.clear();
  if (object_ != nullptr) bpf_object__close(object_);
  object_ = nullptr;
  state_ = State::kClosed;
}

}  // namespace libbpf_ts
