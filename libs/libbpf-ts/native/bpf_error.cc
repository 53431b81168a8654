// SPDX-License-Identifier: Apache-2.0
#include "bpf_error.h"

#include <bpf/libbpf.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <utility>

namespace libbpf_ts {
namespace {

constexpr size_t kMaxLogLines = 256;
constexpr size_t kMaxErrorLogChars = 32 * 1024;

std::mutex log_mutex;
std::deque<std::pair<uint64_t, std::string>> log_lines;
uint64_t next_seq = 0;
std::atomic<int> stderr_level{static_cast<int>(LogLevel::kSilent)};

int OnLibbpfPrint(enum libbpf_print_level level, const char* format, va_list args) {
  // libbpf levels: WARN=0, INFO=1, DEBUG=2; ours are shifted by one (0 = silent).
  int ours = static_cast<int>(level) + 1;
  va_list copy;
  va_copy(copy, args);
  int needed = vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (needed < 0) return 0;
  std::string line(static_cast<size_t>(needed) + 1, '\0');
  vsnprintf(line.data(), line.size(), format, args);
  line.resize(static_cast<size_t>(needed));
  if (ours <= stderr_level.load()) fputs(line.c_str(), stderr);
  if (ours > static_cast<int>(LogLevel::kInfo)) return 0;

  // A verifier log arrives as one huge line; its verdict is at the end.
  if (line.size() > kMaxErrorLogChars / 2) {
    line = "..." + line.substr(line.size() - kMaxErrorLogChars / 2);
  }
  while (!line.empty() && line.back() == '\n') line.pop_back();
  std::lock_guard<std::mutex> lock(log_mutex);
  log_lines.emplace_back(next_seq++, std::move(line));
  if (log_lines.size() > kMaxLogLines) log_lines.pop_front();
  return 0;
}

std::string ErrnoName(int err) {
  const char* name = strerrorname_np(err);
  return name != nullptr ? name : "E" + std::to_string(err);
}

std::string ErrnoReason(int err) {
  std::string reason = strerror(err);
  if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(reason[0]));
  return reason;
}

}  // namespace

void InstallLibbpfPrint() { libbpf_set_print(OnLibbpfPrint); }

void SetLogLevel(LogLevel level) { stderr_level.store(static_cast<int>(level)); }

uint64_t LogMark() {
  std::lock_guard<std::mutex> lock(log_mutex);
  return next_seq;
}

void ThrowBpfError(Napi::Env env, const std::string& step, int err, const std::string& reason,
                   uint64_t mark) {
  if (err < 0) err = -err;
  if (err == 0) err = EINVAL;
  std::string code = ErrnoName(err);
  std::string message = step + ": " + code + " (" + (reason.empty() ? ErrnoReason(err) : reason) + ")";
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("step", Napi::String::New(env, step));
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("code", Napi::String::New(env, code));

  Napi::Array lines = Napi::Array::New(env);
  if (mark != UINT64_MAX) {
    std::lock_guard<std::mutex> lock(log_mutex);
    size_t chars = 0;
    uint32_t index = 0;
    for (const auto& [seq, line] : log_lines) {
      if (seq < mark) continue;
      chars += line.size();
      if (chars > kMaxErrorLogChars) break;
      lines.Set(index++, Napi::String::New(env, line));
    }
  }
  error.Set("libbpfLog", lines);
  throw error;
}

}  // namespace libbpf_ts
