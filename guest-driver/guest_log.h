// Diagnostics of the guest side. Components take a LogSink so tests can read what was said; the
// binary passes projectLog(), which writes through the project's Boost.Log facility (core/log.h:
// stderr, with journald priorities when run by systemd).
#pragma once

#include <functional>
#include <string_view>

namespace balloon::guest {

enum class Severity { Info, Warning, Error };

using LogSink = std::function<void(Severity, std::string_view)>;

// Records through core/log.h; call balloon::log::initLogging() first.
LogSink projectLog();

}  // namespace balloon::guest
