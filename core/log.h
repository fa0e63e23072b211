// Logging for every balloond binary, on Boost.Log. One line per record:
//   2026-11-26T23:19:45.123456 warning [dom3] could not reach target target=524288KiB
// written as
//   BLOG(warning) << logattr::domid(3) << logattr::kib("target", t) << "could not reach target";
// The domain and each field are attributes of the record ("DomId", and one per field named as
// written, "target"). Under systemd (stderr is the journal's stream, JOURNAL_STREAM) records go to
// the journal as entries with those attributes as fields, so that `journalctl DOMID=3` finds a
// domain's lines (journalFieldName); elsewhere the text sink prints the fields after the message.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/log/sources/record_ostream.hpp>

#include "domid.h"
#include "units.h"

namespace balloon::log {

enum class Severity { Debug, Info, Notice, Warning, Error };

std::string_view toString(Severity severity);
// "debug", "info", "notice", "warning", "error" (as for --log-level); nullopt otherwise.
std::optional<Severity> parseSeverity(std::string_view text);
// syslog(3) priority: debug 7 ... error 3.
int syslogPriority(Severity severity);

// Spellings for BLOG(level), lower case like syslog's levels.
// NOLINTBEGIN(readability-identifier-naming): they read as the macro's argument.
namespace level {
inline constexpr Severity debug = Severity::Debug;
inline constexpr Severity info = Severity::Info;
inline constexpr Severity notice = Severity::Notice;
inline constexpr Severity warning = Severity::Warning;
inline constexpr Severity error = Severity::Error;
}  // namespace level
// NOLINTEND(readability-identifier-naming)

enum class LogStyle {
    Plain,    // "<timestamp> <severity> ..."
    Journal,  // "<N><severity> ...": journald reads the priority prefix
};

// Journal when JOURNAL_STREAM names the device:inode of `fd` (systemd's documented check; a
// variable inherited by a child whose stderr went elsewhere does not count), else Plain.
LogStyle detectLogStyle(const char* journalStream, int fd);
// detectLogStyle(getenv("JOURNAL_STREAM"), stderr).
LogStyle detectLogStyle();

// Replaces any earlier sink: records at minLevel and above go to the journal when stderr is its
// stream (detectLogStyle), else to stderr as Plain lines.
void initLogging(Severity minLevel);
// Lines to `out` in `style` instead (tests, and tools that log elsewhere).
void initLogging(Severity minLevel, LogStyle style, const std::shared_ptr<std::ostream>& out);

// The journal's native protocol, behind a port so that tests see what would be sent.
class JournalWriter {
public:
    JournalWriter() = default;
    virtual ~JournalWriter() = default;
    JournalWriter(const JournalWriter&) = delete;
    JournalWriter& operator=(const JournalWriter&) = delete;
    JournalWriter(JournalWriter&&) = delete;
    JournalWriter& operator=(JournalWriter&&) = delete;

    // One entry of "NAME=value" fields; 0 when sent, else a negative errno.
    virtual int send(const std::vector<std::string>& fields) = 0;
};
// sd_journal_sendv(3): the journald of this system.
std::shared_ptr<JournalWriter> systemJournal();

// Replaces any earlier sink: records at minLevel and above go to `journal`, one entry each:
//   MESSAGE            the line as Journal-style text has it, without the priority prefix
//   PRIORITY           syslogPriority()
//   SYSLOG_IDENTIFIER  `identifier` (the program's name)
//   DOMID              logattr::domid
//   one per field      journalFieldName(): TARGET_KIB=524288, KIND=report
// An entry the journal refuses is written to `fallback` as a Journal-style line instead.
void initJournalLogging(Severity minLevel, std::shared_ptr<JournalWriter> journal,
                        std::string identifier, std::shared_ptr<std::ostream> fallback);

// A field's journal name: upper case, '-' as '_', "_KIB" after a KiB figure ("target" ->
// TARGET_KIB, "kind" -> KIND).
std::string journalFieldName(std::string_view name, bool kib);

}  // namespace balloon::log

namespace balloon::logattr {

// The structured parts of a record. Field names are lower-case words ("target", "kind"): each
// becomes an attribute of that name and a journal field (journalFieldName).
struct DomIdField {
    DomId domid;
};
struct KiBField {
    std::string_view name;
    KiB value;
};
struct TextField {
    std::string_view name;
    std::string value;
};

inline DomIdField domid(DomId id) {
    return DomIdField{id};
}
inline KiBField kib(std::string_view name, KiB value) {
    return KiBField{name, value};
}
inline TextField text(std::string_view name, std::string value) {
    return TextField{name, std::move(value)};
}
// Counts and other plain numbers that are not memory.
inline TextField number(std::string_view name, std::uint64_t value) {
    return TextField{name, std::to_string(value)};
}

}  // namespace balloon::logattr

namespace balloon::log {

// One record being written; BLOG creates it, the stream operators fill it, finish() sends it.
// When the severity is filtered out the record is empty and nothing is formatted.
class Line {
public:
    explicit Line(Severity severity);
    ~Line();
    Line(const Line&) = delete;
    Line& operator=(const Line&) = delete;
    Line(Line&&) = delete;
    Line& operator=(Line&&) = delete;

    // False once sent, and from the start when the severity is filtered out (BLOG skips its body).
    [[nodiscard]] bool active() const { return !done_ && static_cast<bool>(record_); }
    void finish();

    Line& operator<<(const logattr::DomIdField& field);
    Line& operator<<(const logattr::KiBField& field);
    Line& operator<<(const logattr::TextField& field);
    template <class T>
    Line& operator<<(const T& value) {
        if (record_) {
            stream_ << value;
        }
        return *this;
    }

private:
    template <class Value>
    void addField(std::string_view name, Value value);

    boost::log::record record_;
    boost::log::record_ostream stream_;
    unsigned fields_ = 0;  // fields added so far: the next one's position in the line
    bool done_ = false;
};

// Lines about one (domain, kind) pair, at most linesPerInterval per interval; the rest are
// counted and reported in one "suppressed N messages" line when the next interval opens (or at
// flush()). The daemon puts it in front of anything a hostile guest can trigger at will. Time
// points are arguments so that tests drive the clock. Not thread-safe: one per event loop.
class RateLimitedLog {
public:
    using Clock = std::chrono::steady_clock;

    RateLimitedLog(std::uint32_t linesPerInterval, Clock::duration interval);

    // True when a line for this key may be written now. Opening a new interval after lines were
    // dropped first logs the summary of the old one, at `summarySeverity`.
    bool admit(std::optional<DomId> domid, std::string_view kind, Clock::time_point now,
               Severity summarySeverity = Severity::Warning);
    // Logs the summaries of intervals that ended with lines dropped and forgets ended intervals,
    // so that memory stays bounded by the keys active in one interval. Call it once per interval.
    void flush(Clock::time_point now);
    [[nodiscard]] std::size_t trackedKeys() const { return windows_.size(); }

private:
    using Key = std::pair<std::optional<DomId>, std::string>;
    struct Window {
        Clock::time_point start;
        std::uint32_t written = 0;
        std::uint64_t dropped = 0;
        Severity summarySeverity = Severity::Warning;
    };
    void reportDropped(const Key& key, const Window& window) const;

    std::uint32_t linesPerInterval_;
    Clock::duration interval_;
    std::map<Key, Window, std::less<>> windows_;
};

}  // namespace balloon::log

// BLOG(warning) << ...; the loop runs its body once and sends the record at the end of the
// statement (the same shape as BOOST_LOG_SEV, without its dangling-else pitfall).
#define BLOG(lvl)                                                                        \
    for (::balloon::log::Line blogLine_(::balloon::log::level::lvl); blogLine_.active(); \
         blogLine_.finish())                                                             \
    blogLine_
