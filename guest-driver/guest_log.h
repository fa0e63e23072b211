// Diagnostics of the guest side. Components take a LogSink so tests can read what was said; the
// binary passes stderrLog() (journald records stderr lines with the "<N>" priority prefix).
// To be switched to the project's Boost.Log facility (core/log.h) once it lands.
#pragma once

#include <functional>
#include <string_view>

namespace balloon::guest {

enum class Severity { Info, Warning, Error };

using LogSink = std::function<void(Severity, std::string_view)>;

// Writes one line per message to stderr, prefixed for journald when JOURNAL_STREAM is set.
LogSink stderrLog();

}  // namespace balloon::guest
