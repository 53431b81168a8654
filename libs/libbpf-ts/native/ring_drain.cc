// SPDX-License-Identifier: Apache-2.0
#include "ring_drain.h"

#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "bpf_error.h"

namespace libbpf_ts {

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
  self->pending_.bytes.insert(self->pending_.bytes.end(), bytes, bytes + size);
  self->pending_.ends.push_back(static_cast<uint32_t>(self->pending_.bytes.size()));
  self->records_.fetch_add(1);
  if (self->pending_.ends.size() >= self->options_.max_batch) self->Flush();
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
    if (!pending_.ends.empty()) Flush();
  }
  if (!pending_.ends.empty()) Flush();
}

void RingDrain::Flush() {
  auto* batch = new Batch(std::move(pending_));
  pending_ = Batch{};
  size_t count = batch->ends.size();
  napi_status status = tsfn_.NonBlockingCall(batch, &RingDrain::DeliverBatch);
  if (status == napi_ok) {
    batches_.fetch_add(1);
    return;
  }
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
      env, raw->bytes.data(), raw->bytes.size(), [](Napi::Env, uint8_t*, Batch* hint) { delete hint; }, raw);
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
