#include "log.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <iostream>

#include <boost/core/null_deleter.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>
#include <boost/log/attributes/clock.hpp>
#include <boost/log/attributes/constant.hpp>
#include <boost/log/attributes/value_extraction.hpp>
#include <boost/log/core.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/log/utility/formatting_ostream.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "log_record.h"

namespace balloon::log {
namespace {

namespace bl = boost::log;

using Logger = bl::sources::severity_logger_mt<Severity>;

Logger& logger() {
    static Logger instance;
    return instance;
}

constexpr std::array<std::string_view, 5> kNames{"debug", "info", "notice", "warning", "error"};

}  // namespace

namespace detail {

void installSink(const boost::shared_ptr<bl::sinks::basic_sink_frontend>& sink, Severity minLevel) {
    sink->set_filter([minLevel](const bl::attribute_value_set& values) {
        const auto severity = bl::extract<Severity>("Severity", values);
        return severity && *severity >= minLevel;
    });
    auto core = bl::core::get();
    core->remove_all_sinks();
    core->add_global_attribute("TimeStamp", bl::attributes::local_clock());
    core->add_sink(sink);
}

}  // namespace detail

std::string_view toString(Severity severity) {
    return kNames.at(static_cast<std::size_t>(severity));
}

std::optional<Severity> parseSeverity(std::string_view text) {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i] == text) {
            return static_cast<Severity>(i);
        }
    }
    return std::nullopt;
}

int syslogPriority(Severity severity) {
    switch (severity) {
        case Severity::Debug:
            return 7;
        case Severity::Info:
            return 6;
        case Severity::Notice:
            return 5;
        case Severity::Warning:
            return 4;
        case Severity::Error:
            break;
    }
    return 3;
}

LogStyle detectLogStyle(const char* journalStream, int fd) {
    if (journalStream == nullptr) {
        return LogStyle::Plain;
    }
    // "<device>:<inode>", both decimal.
    const std::string_view value(journalStream);
    const auto colon = value.find(':');
    if (colon == std::string_view::npos) {
        return LogStyle::Plain;
    }
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    const auto dev = std::from_chars(value.data(), value.data() + colon, device);
    const auto ino = std::from_chars(value.data() + colon + 1, value.data() + value.size(), inode);
    if (dev.ec != std::errc{} || dev.ptr != value.data() + colon || ino.ec != std::errc{} ||
        ino.ptr != value.data() + value.size()) {
        return LogStyle::Plain;
    }
    struct stat st {};
    if (fstat(fd, &st) != 0) {
        return LogStyle::Plain;
    }
    return st.st_dev == device && st.st_ino == inode ? LogStyle::Journal : LogStyle::Plain;
}

LogStyle detectLogStyle() {
    return detectLogStyle(std::getenv("JOURNAL_STREAM"), STDERR_FILENO);
}

void initLogging(Severity minLevel) {
    // std::cerr is unbuffered and lives until exit; the sinks must not delete it.
    const std::shared_ptr<std::ostream> stderrStream(&std::cerr, [](auto*) {});
    if (detectLogStyle() == LogStyle::Journal) {
        initJournalLogging(minLevel, systemJournal(), program_invocation_short_name, stderrStream);
    } else {
        initLogging(minLevel, LogStyle::Plain, stderrStream);
    }
}

void initLogging(Severity minLevel, LogStyle style, const std::shared_ptr<std::ostream>& out) {
    using Backend = bl::sinks::text_ostream_backend;
    using Sink = bl::sinks::synchronous_sink<Backend>;

    auto backend = boost::make_shared<Backend>();
    // Boost wants its own shared_ptr; this one keeps the std::shared_ptr alive.
    backend->add_stream(boost::shared_ptr<std::ostream>(out.get(), [out](std::ostream*) {}));
    backend->auto_flush(true);

    auto sink = boost::make_shared<Sink>(backend);
    sink->set_formatter([style](const bl::record_view& rec, bl::formatting_ostream& strm) {
        if (style == LogStyle::Journal) {
            strm << '<' << syslogPriority(detail::severityOf(rec)) << '>';
        } else if (const auto stamp = bl::extract<boost::posix_time::ptime>("TimeStamp", rec)) {
            strm << boost::posix_time::to_iso_extended_string(*stamp) << ' ';
        }
        strm << detail::formatLine(rec);
    });
    detail::installSink(sink, minLevel);
}

Line::Line(Severity severity) : record_(logger().open_record(bl::keywords::severity = severity)) {
    if (record_) {
        stream_.attach_record(record_);
    }
}

Line::~Line() {
    if (!done_) {
        finish();
    }
}

void Line::finish() {
    done_ = true;
    if (!record_) {
        return;
    }
    stream_.flush();
    stream_.detach_from_record();
    logger().push_record(std::move(record_));
}

template <class Value>
void Line::addField(std::string_view name, Value value) {
    if (record_) {
        record_.attribute_values().insert(
            bl::attribute_name(std::string(name)),
            bl::attributes::make_attribute_value(detail::FieldValue{std::move(value), fields_++}));
    }
}

Line& Line::operator<<(const logattr::DomIdField& field) {
    if (record_) {
        record_.attribute_values().insert("DomId",
                                          bl::attributes::make_attribute_value(field.domid));
    }
    return *this;
}

Line& Line::operator<<(const logattr::KiBField& field) {
    addField(field.name, field.value);
    return *this;
}

Line& Line::operator<<(const logattr::TextField& field) {
    addField(field.name, field.value);
    return *this;
}

RateLimitedLog::RateLimitedLog(std::uint32_t linesPerInterval, Clock::duration interval)
    : linesPerInterval_(linesPerInterval), interval_(interval) {}

bool RateLimitedLog::admit(std::optional<DomId> domid, std::string_view kind, Clock::time_point now,
                           Severity summarySeverity) {
    Key key{domid, std::string(kind)};
    auto it = windows_.find(key);
    if (it == windows_.end()) {
        it = windows_.emplace(std::move(key), Window{now, 0, 0, summarySeverity}).first;
    } else if (now - it->second.start >= interval_) {
        if (it->second.dropped != 0) {
            reportDropped(it->first, it->second);
        }
        it->second = Window{now, 0, 0, summarySeverity};
    }
    Window& window = it->second;
    window.summarySeverity = summarySeverity;
    if (window.written < linesPerInterval_) {
        ++window.written;
        return true;
    }
    ++window.dropped;
    return false;
}

void RateLimitedLog::flush(Clock::time_point now) {
    for (auto it = windows_.begin(); it != windows_.end();) {
        if (now - it->second.start < interval_) {
            ++it;
            continue;
        }
        if (it->second.dropped != 0) {
            reportDropped(it->first, it->second);
        }
        it = windows_.erase(it);
    }
}

void RateLimitedLog::reportDropped(const Key& key, const Window& window) const {
    Line line(window.summarySeverity);
    if (key.first) {
        line << logattr::domid(*key.first);
    }
    line << "suppressed " << window.dropped << " messages" << logattr::text("kind", key.second);
}

}  // namespace balloon::log
