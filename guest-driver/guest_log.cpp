#include "guest_log.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace balloon::guest {
namespace {

// syslog priorities, which journald reads from a "<N>" line prefix.
int priorityOf(Severity severity) {
    switch (severity) {
        case Severity::Info:
            return 6;
        case Severity::Warning:
            return 4;
        case Severity::Error:
            return 3;
    }
    return 6;
}

const char* nameOf(Severity severity) {
    switch (severity) {
        case Severity::Info:
            return "info";
        case Severity::Warning:
            return "warning";
        case Severity::Error:
            return "error";
    }
    return "info";
}

}  // namespace

LogSink stderrLog() {
    const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
    return [journal](Severity severity, std::string_view message) {
        std::string line = journal ? "<" + std::to_string(priorityOf(severity)) + ">"
                                   : std::string("balloon-guest: ") + nameOf(severity) + ": ";
        line.append(message);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stderr);
    };
}

}  // namespace balloon::guest
