// The metrics file, written the way node_exporter's textfile collector needs it: the collector
// may read at any moment, so it must only ever see a whole file. The text goes into
// <dir>/balloond.prom.tmp (a name the collector ignores), then replaces <dir>/balloond.prom
// (core/file_io.h replaceFileAtomically).
#pragma once

#include <filesystem>
#include <string_view>

namespace balloon::daemon {

inline constexpr std::string_view kMetricsFileName = "balloond.prom";
inline constexpr std::string_view kMetricsTempSuffix = ".tmp";

// Replaces <dir>/balloond.prom with text. The directory is not created: a missing one means
// node_exporter is not set up, which the admin should hear about. Throws std::system_error whose
// what() names the step and the path; the temporary file is removed on failure.
void writeMetricsFile(const std::filesystem::path& dir, std::string_view text);

}  // namespace balloon::daemon
