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
                         InstanceMethod("setMapMaxEntries", &NativeBpfObject::SetMapMaxEntries),
                         InstanceMethod("mapLookup", &NativeBpfObject::MapLookup),
                         InstanceMethod("mapUpdate", &NativeBpfObject::MapUpdate),
                         InstanceMethod("mapDelete", &NativeBpfObject::MapDelete),
                         InstanceMethod("mapEntries", &NativeBpfObject::MapEntries),
                         InstanceMethod("programStats", &NativeBpfObject::ProgramStats),
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

bpf_map* NativeBpfObject::MapWithKey(const Napi::CallbackInfo& info, const std::string& step,
                                     const std::string& map_name) {
  Napi::Env env = info.Env();
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
  return map;
}

namespace {

// Per-CPU values come back as one 8-byte-aligned slot per possible CPU.
struct ValueShape {
  size_t size;
  size_t stride;
  int cpus;
  bool per_cpu;
};

ValueShape ShapeOf(Napi::Env env, const std::string& step, bpf_map* map) {
  size_t value_size = bpf_map__value_size(map);
  bool per_cpu = IsPerCpu(bpf_map__type(map));
  int cpus = per_cpu ? libbpf_num_possible_cpus() : 1;
  if (cpus <= 0) ThrowBpfError(env, step, -cpus, "cannot count possible CPUs");
  return {value_size, per_cpu ? (value_size + 7) / 8 * 8 : value_size, cpus, per_cpu};
}

Napi::Value ValueToJs(Napi::Env env, const ValueShape& shape, const std::vector<uint8_t>& values) {
  if (!shape.per_cpu) return Napi::Buffer<uint8_t>::Copy(env, values.data(), shape.size);
  Napi::Array result = Napi::Array::New(env, static_cast<size_t>(shape.cpus));
  for (int cpu = 0; cpu < shape.cpus; cpu++) {
    result.Set(static_cast<uint32_t>(cpu), Napi::Buffer<uint8_t>::Copy(env, values.data() + shape.stride * cpu, shape.size));
  }
  return result;
}

}  // namespace

Napi::Value NativeBpfObject::SetMapMaxEntries(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string map_name = StringArg(info, 0, "set map max entries");
  std::string step = "set map max entries " + map_name;
  RequireState(env, step, State::kOpened);
  bpf_map* map = bpf_object__find_map_by_name(object_, map_name.c_str());
  if (map == nullptr) ThrowBpfError(env, step, ENOENT, "no map of that name in " + path_);
  if (info.Length() < 2 || !info[1].IsNumber()) ThrowBpfError(env, step, EINVAL, "entries must be a number");
  int err = bpf_map__set_max_entries(map, info[1].As<Napi::Number>().Uint32Value());
  if (err != 0) ThrowBpfError(env, step, -err);
  return env.Undefined();
}

Napi::Value NativeBpfObject::MapLookup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string map_name = StringArg(info, 0, "map lookup");
  std::string step = "map lookup " + map_name;
  bpf_map* map = MapWithKey(info, step, map_name);
  auto key = info[1].As<Napi::Buffer<uint8_t>>();
  ValueShape shape = ShapeOf(env, step, map);
  std::vector<uint8_t> values(shape.stride * static_cast<size_t>(shape.cpus));
  if (bpf_map_lookup_elem(bpf_map__fd(map), key.Data(), values.data()) != 0) {
    if (errno == ENOENT) return env.Null();
    ThrowBpfError(env, step, errno);
  }
  return ValueToJs(env, shape, values);
}

Napi::Value NativeBpfObject::MapUpdate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string map_name = StringArg(info, 0, "map update");
  std::string step = "map update " + map_name;
  bpf_map* map = MapWithKey(info, step, map_name);
  auto key = info[1].As<Napi::Buffer<uint8_t>>();
  if (IsPerCpu(bpf_map__type(map))) ThrowBpfError(env, step, EINVAL, "per-CPU maps cannot be updated from JS");
  if (info.Length() < 3 || !info[2].IsBuffer()) ThrowBpfError(env, step, EINVAL, "value must be a Buffer");
  auto value = info[2].As<Napi::Buffer<uint8_t>>();
  if (value.Length() != bpf_map__value_size(map)) {
    ThrowBpfError(env, step, EINVAL,
                  "value has " + std::to_string(value.Length()) + " bytes, the map's value has " +
                      std::to_string(bpf_map__value_size(map)));
  }
  if (bpf_map_update_elem(bpf_map__fd(map), key.Data(), value.Data(), BPF_ANY) != 0) ThrowBpfError(env, step, errno);
  return env.Undefined();
}

Napi::Value NativeBpfObject::MapDelete(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string map_name = StringArg(info, 0, "map delete");
  std::string step = "map delete " + map_name;
  bpf_map* map = MapWithKey(info, step, map_name);
  auto key = info[1].As<Napi::Buffer<uint8_t>>();
  if (bpf_map_delete_elem(bpf_map__fd(map), key.Data()) != 0) {
    if (errno == ENOENT) return Napi::Boolean::New(env, false);
    ThrowBpfError(env, step, errno);
  }
  return Napi::Boolean::New(env, true);
}

// Walks a hash map with get_next_key. Entries deleted meanwhile are skipped; the walk is
// bounded by max_entries so a map that changes under us cannot loop forever.
Napi::Value NativeBpfObject::MapEntries(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string map_name = StringArg(info, 0, "map entries");
  std::string step = "map entries " + map_name;
  RequireState(env, step, State::kLoaded);
  bpf_map* map = bpf_object__find_map_by_name(object_, map_name.c_str());
  if (map == nullptr) ThrowBpfError(env, step, ENOENT, "no map of that name in " + path_);
  if (bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF) ThrowBpfError(env, step, EINVAL, "a ring buffer has no entries to walk");
  ValueShape shape = ShapeOf(env, step, map);
  int fd = bpf_map__fd(map);
  size_t key_size = bpf_map__key_size(map);
  std::vector<uint8_t> key(key_size);
  std::vector<uint8_t> next(key_size);
  std::vector<uint8_t> values(shape.stride * static_cast<size_t>(shape.cpus));
  Napi::Array result = Napi::Array::New(env);
  uint32_t count = 0;
  const void* previous = nullptr;
  for (uint32_t walked = 0; walked < bpf_map__max_entries(map); walked++) {
    if (bpf_map_get_next_key(fd, previous, next.data()) != 0) {
      if (errno == ENOENT) break;
      ThrowBpfError(env, step, errno);
    }
    key = next;
    previous = key.data();
    if (bpf_map_lookup_elem(fd, key.data(), values.data()) != 0) {
      if (errno == ENOENT) continue;
      ThrowBpfError(env, step, errno);
    }
    Napi::Array entry = Napi::Array::New(env, 2);
    entry.Set(0u, Napi::Buffer<uint8_t>::Copy(env, key.data(), key_size));
    entry.Set(1u, ValueToJs(env, shape, values));
    result.Set(count++, entry);
  }
  return result;
}

// Run count and time of each program (the kernel counts them while kernel.bpf_stats_enabled=1).
Napi::Value NativeBpfObject::ProgramStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireState(env, "program stats", State::kLoaded);
  Napi::Array result = Napi::Array::New(env);
  uint32_t count = 0;
  bpf_program* program;
  bpf_object__for_each_program(program, object_) {
    bpf_prog_info prog_info = {};
    uint32_t len = sizeof(prog_info);
    if (bpf_obj_get_info_by_fd(bpf_program__fd(program), &prog_info, &len) != 0) {
      ThrowBpfError(env, std::string("program stats ") + bpf_program__name(program), errno);
    }
    Napi::Object stats = Napi::Object::New(env);
    stats.Set("name", Napi::String::New(env, bpf_program__name(program)));
    stats.Set("runCount", Napi::Number::New(env, static_cast<double>(prog_info.run_cnt)));
    stats.Set("runTimeNs", Napi::Number::New(env, static_cast<double>(prog_info.run_time_ns)));
    result.Set(count++, stats);
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
