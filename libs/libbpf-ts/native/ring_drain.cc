// SPDX-License-Identifier: Apache-2.0
#include "ring_drain.h"

#include <bpf/libbpf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "bpf_error.h"

namespace libbpf_ts {

RingDrain::Batch::~Batch() {
  if (bytes != nullptr) munmap(bytes, mapped);
}

RingDrain::RingDrain(const RingDrainOptions& options) : options_(options) {}

RingDrain::~RingDrain() {
  // Owners call Stop() on the JS thread; this only covers a drain that never started.
  if (thread_.joinable()) {
    stopping_.store(true);
    thread_.join();
  }
  if (ring_ != nullptr) ring_buffer__free(ring_);
}

std::shared_ptr<RingDrain> RingDrain::Start(Napi::Env env, const std::string& map_name, int map_fd,
                                            Napi::Function on_batch, const RingDrainOptions& options) {
  std::shared_ptr<RingDrain> drain(new RingDrain(options));
  std::string step = "open ring buffer " + map_name;
  uint64_t mark = LogMark();
  drain->ring_ = ring_buffer__new(map_fd, &RingDrain::OnSample, drain.get(), nullptr);
  if (drain->ring_ == nullptr) ThrowBpfError(env, step, errno, "", mark);

  drain->env_ = env;
  drain->tsfn_ = Napi::ThreadSafeFunction::New(env, on_batch, "libbpf-ts ring buffer", options.max_queued_batches, 1);
  napi_add_env_cleanup_hook(env, &RingDrain::OnEnvCleanup, drain.get());
  drain->thread_ = std::thread([raw = drain.get()] { raw->Run(); });
  return drain;
}

void RingDrain::OnEnvCleanup(void* arg) { static_cast<RingDrain*>(arg)->Stop(); }

void RingDrain::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
  napi_remove_env_cleanup_hook(env_, &RingDrain::OnEnvCleanup, this);
  // Batches already queued are still delivered; then the function is finalized.
  tsfn_.Release();
  if (ring_ != nullptr) {
    ring_buffer__free(ring_);
    ring_ = nullptr;
  }
}

int RingDrain::OnSample(void* ctx, void* data, size_t size) {
  auto* self = static_cast<RingDrain*>(ctx);
  const auto* bytes = static_cast<const uint8_t*>(data);
  self->pending_bytes_.insert(self->pending_bytes_.end(), bytes, bytes + size);
  self->pending_ends_.push_back(static_cast<uint32_t>(self->pending_bytes_.size()));
  self->records_.fetch_add(1);
  if (self->pending_ends_.size() >= self->options_.max_batch) self->Flush();
  return 0;
}

void RingDrain::Run() {
  while (!stopping_.load()) {
    int rc = ring_buffer__poll(ring_, options_.poll_ms);
    if (rc < 0 && rc != -EINTR) {
      poll_error_.store(-rc);
      break;
    }
    // Producers may submit with BPF_RB_NO_WAKEUP (batched wakeups): epoll then times out with
    // records waiting, so every poll period ends with a consume.
    if (rc == 0 && ring_buffer__consume(ring_) < 0) continue;
    if (!pending_ends_.empty()) Flush();
  }
  if (!pending_ends_.empty()) Flush();
}

void RingDrain::Flush() {
  size_t count = pending_ends_.size();
  auto* batch = new Batch();
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  batch->size = pending_bytes_.size();
  batch->mapped = (batch->size + page - 1) / page * page;
  void* mapping = mmap(nullptr, batch->mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  napi_status status = napi_generic_failure;
  if (mapping != MAP_FAILED) {
    batch->bytes = static_cast<uint8_t*>(mapping);
    std::copy(pending_bytes_.begin(), pending_bytes_.end(), batch->bytes);
    batch->ends = pending_ends_;
    status = tsfn_.NonBlockingCall(batch, &RingDrain::DeliverBatch);
  }
  pending_bytes_.clear();
  pending_ends_.clear();
  if (status == napi_ok) {
    batches_.fetch_add(1);
    return;
  }
  // The JS queue is full (or no memory for the batch): drop it and count it, never block the drain.
  delete batch;
  dropped_batches_.fetch_add(1);
  dropped_records_.fetch_add(count);
}

// Hands JS the batch's bytes (owned by the Buffer from here on) and the end offset of every record;
// the JS side cuts them into per-record views.
void RingDrain::DeliverBatch(Napi::Env env, Napi::Function on_batch, Batch* batch) {
  std::unique_ptr<Batch> owned(batch);
  // env is null when the function is torn down with batches still queued.
  if (env == nullptr || on_batch.IsEmpty()) return;
  Napi::Uint32Array ends = Napi::Uint32Array::New(env, owned->ends.size());
  std::copy(owned->ends.begin(), owned->ends.end(), ends.Data());
  Batch* raw = owned.release();
  Napi::Buffer<uint8_t> bytes = Napi::Buffer<uint8_t>::New(
      env, raw->bytes, raw->size, [](Napi::Env, uint8_t*, Batch* hint) { delete hint; }, raw);
  on_batch.Call({bytes, ends});
}

Napi::Object RingDrain::Stats(Napi::Env env) const {
  Napi::Object stats = Napi::Object::New(env);
  stats.Set("records", Napi::Number::New(env, static_cast<double>(records_.load())));
  stats.Set("batches", Napi::Number::New(env, static_cast<double>(batches_.load())));
  stats.Set("droppedBatches", Napi::Number::New(env, static_cast<double>(dropped_batches_.load())));
  stats.Set("droppedRecords", Napi::Number::New(env, static_cast<double>(dropped_records_.load())));
  int err = poll_error_.load();
  const char* name = err == 0 ? nullptr : strerrorname_np(err);
  stats.Set("pollError", name == nullptr ? env.Null() : Napi::String::New(env, name));
  return stats;
}

}  // namespace libbpf_ts
