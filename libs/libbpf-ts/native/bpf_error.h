// SPDX-License-Identifier: Apache-2.0
// Errors that name the step and the errno, plus the libbpf log lines that explain them.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace libbpf_ts {

enum class LogLevel { kSilent = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// Routes libbpf's print callback into a bounded in-memory log; lines reach
// stderr only at or below the configured level (silent by default).
void InstallLibbpfPrint();
void SetLogLevel(LogLevel level);

// Marks where a step's libbpf output starts, so an error carries only its own lines.
uint64_t LogMark();

// Throws a JS Error with message "<step>: <CODE> (<reason>)" and the
// properties step, errno, code and libbpfLog (lines logged since `mark`).
[[noreturn]] void ThrowBpfError(Napi::Env env, const std::string& step, int err,
                                const std::string& reason = "", uint64_t mark = UINT64_MAX);

}  // namespace libbpf_ts
