// Inside core/log: what a record's attributes become, as a text line and as journal fields, and how
// a sink is put in place. Shared by the text sink (log.cpp) and the journal sink (log_journal.cpp).
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/log/core/record_view.hpp>
#include <boost/log/sinks/basic_sink_frontend.hpp>
#include <boost/smart_ptr/shared_ptr.hpp>

#include "log.h"
#include "units.h"

namespace balloon::log::detail {

// The value of a field's attribute (logattr::kib, text, number). `position` is the order the
// fields were written in, which the line keeps.
struct FieldValue {
    std::variant<KiB, std::string> value;
    unsigned position = 0;
};

Severity severityOf(const boost::log::record_view& record);

// Only records at minLevel and above pass `sink`, which replaces every earlier sink.
void installSink(const boost::shared_ptr<boost::log::sinks::basic_sink_frontend>& sink,
                 Severity minLevel);

// "warning [dom3] could not reach target target=524288KiB": the severity, the domain, the
// message and the fields. Control characters are escaped, and field text with blanks, quotes or
// '=' is quoted, so that guest-supplied text never forges a second line or field.
std::string formatLine(const boost::log::record_view& record);

// The record as journal fields, "NAME=value" (log.h initJournalLogging).
std::vector<std::string> journalFields(const boost::log::record_view& record,
                                       std::string_view identifier);

}  // namespace balloon::log::detail
