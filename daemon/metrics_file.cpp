#include "metrics_file.h"

#include <string>

#include "file_io.h"

namespace balloon::daemon {

void writeMetricsFile(const std::filesystem::path& dir, std::string_view text) {
    replaceFileAtomically(dir / kMetricsFileName, text, kMetricsTempSuffix);
}

}  // namespace balloon::daemon
