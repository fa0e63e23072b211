#include "guest_log.h"

#include "log.h"

namespace balloon::guest {
namespace {

log::Severity toProject(Severity severity) {
    switch (severity) {
        case Severity::Info:
            return log::Severity::Info;
        case Severity::Warning:
            return log::Severity::Warning;
        case Severity::Error:
            return log::Severity::Error;
    }
    return log::Severity::Info;
}

}  // namespace

LogSink projectLog() {
    return [](Severity severity, std::string_view message) {
        log::Line line(toProject(severity));
        if (line.active()) {
            line << log::escapeText(message);
            line.finish();
        }
    };
}

}  // namespace balloon::guest
