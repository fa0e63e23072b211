#include "log_record.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include <boost/log/attributes/value_extraction.hpp>

#include "domid.h"
#include "untrusted_text.h"

namespace balloon::log {

namespace bl = boost::log;

std::string journalFieldName(std::string_view name, bool kib) {
    std::string out;
    out.reserve(name.size() + 4);
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        out += std::isalnum(c) != 0 ? static_cast<char>(std::toupper(c)) : '_';
    }
    return kib ? out + "_KIB" : out;
}

namespace detail {

Severity severityOf(const bl::record_view& record) {
    const auto severity = bl::extract<Severity>("Severity", record);
    return severity ? *severity : Severity::Info;
}

namespace {

// The record's fields, in the order they were written.
std::vector<std::pair<std::string_view, const FieldValue*>> fieldsOf(
    const bl::record_view& record) {
    std::vector<std::pair<std::string_view, const FieldValue*>> fields;
    for (const auto& [name, value] : record.attribute_values()) {
        if (const auto field = value.extract<FieldValue>()) {
            fields.emplace_back(name.string(), field.get_ptr());
        }
    }
    std::sort(fields.begin(), fields.end(),
              [](const auto& a, const auto& b) { return a.second->position < b.second->position; });
    return fields;
}

// Field text as the line shows it: bare when it is one plain word, else quoted.
std::string fieldText(const std::string& text) {
    const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c > 0x20 && c != 0x7f && c != '"' && c != '\\' && c != '=';
    });
    return plain ? text : quoteUntrusted(text, std::string::npos);
}

}  // namespace

std::string formatLine(const bl::record_view& record) {
    std::string line(toString(severityOf(record)));
    if (const auto domid = bl::extract<DomId>("DomId", record)) {
        line += " [dom" + std::to_string(*domid) + "]";
    }
    if (const auto message = bl::extract<std::string>("Message", record)) {
        line += ' ' + escapeControlCharacters(*message);
    }
    std::string fields;
    for (const auto& [name, field] : fieldsOf(record)) {
        fields += fields.empty() ? "" : " ";
        fields += std::string(name) + '=';
        if (const auto* kib = std::get_if<KiB>(&field->value)) {
            fields += std::to_string(kib->count()) + "KiB";
        } else {
            fields += fieldText(std::get<std::string>(field->value));
        }
    }
    if (!fields.empty()) {
        line += ' ' + fields;
    }
    return line;
}

std::vector<std::string> journalFields(const bl::record_view& record, std::string_view identifier) {
    std::vector<std::string> out{
        "MESSAGE=" + formatLine(record),
        "PRIORITY=" + std::to_string(syslogPriority(severityOf(record))),
        "SYSLOG_IDENTIFIER=" + std::string(identifier),
    };
    if (const auto domid = bl::extract<DomId>("DomId", record)) {
        out.push_back("DOMID=" + std::to_string(*domid));
    }
    for (const auto& [name, field] : fieldsOf(record)) {
        if (const auto* kib = std::get_if<KiB>(&field->value)) {
            out.push_back(journalFieldName(name, true) + '=' + std::to_string(kib->count()));
        } else {
            out.push_back(journalFieldName(name, false) + '=' +
                          std::get<std::string>(field->value));
        }
    }
    return out;
}

}  // namespace detail
}  // namespace balloon::log
