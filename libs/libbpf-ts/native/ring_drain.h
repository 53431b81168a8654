// SPDX-License-Identifier: Apache-2.0
// Drains a BPF ring buffer on a native thread and hands batches of records to
// JS through a bounded thread-safe function. JS never blocks the drain: when
// the queue is full the batch is dropped and counted.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

struct ring_buffer;

namespace libbpf_ts {

struct RingDrainOptions {
  size_t max_batch = 256;        // records per batch
  int poll_ms = 100;             // also bounds how long Stop() waits for the thread
  size_t max_queued_batches = 64;
};

class RingDrain : public std::enable_shared_from_this<RingDrain> {
 public:
  // Throws a BpfError naming `map_name` if the ring buffer cannot be opened.
  static std::shared_ptr<RingDrain> Start(Napi::Env env, const std::string& map_name, int map_fd,
                                          Napi::Function on_batch, const RingDrainOptions& options);
  ~RingDrain();

  // Idempotent. Joins the thread and releases the thread-safe function.
  void Stop();
  Napi::Object Stats(Napi::Env env) const;

  RingDrain(const RingDrain&) = delete;
  RingDrain& operator=(const RingDrain&) = delete;

 private:
  // The records of one batch back to back, and where each ends: one allocation per batch, not per record.
  // The bytes are a private anonymous mapping of exactly the batch's pages, unmapped when JS lets go of the
  // Buffer: batches are built on the drain thread and freed on the JS thread, and malloc'ed blocks of
  // varying size freed across threads fragment glibc's per-thread arenas, which keep the memory (the
  // agent's RSS grew by ~30 MB under load that way).
  struct Batch {
    uint8_t* bytes = nullptr;
    size_t size = 0;
    size_t mapped = 0;
    std::vector<uint32_t> ends;
    ~Batch();
  };

  explicit RingDrain(const RingDrainOptions& options);
  static int OnSample(void* ctx, void* data, size_t size);
  static void DeliverBatch(Napi::Env env, Napi::Function on_batch, Batch* batch);
  static void OnEnvCleanup(void* arg);
  void Run();
  void Flush();

  RingDrainOptions options_;
  ring_buffer* ring_ = nullptr;
  Napi::ThreadSafeFunction tsfn_;
  napi_env env_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  // The batch being gathered, touched only by the drain thread; reused, so it grows once to its largest size.
  std::vector<uint8_t> pending_bytes_;
  std::vector<uint32_t> pending_ends_;
  std::atomic<uint64_t> records_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> dropped_batches_{0};
  std::atomic<uint64_t> dropped_records_{0};
  std::atomic<int> poll_error_{0};
};

}  // namespace libbpf_ts
