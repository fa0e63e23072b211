#include "config_reader.h"

#include <cmath>
#include <sstream>
#include <utility>

#include "size.h"

namespace balloon {

namespace {

constexpr Millis kMaxDuration = std::chrono::hours(24);

[[noreturn]] void badDuration(std::string_view text, const std::string& problem) {
    throw std::invalid_argument("bad duration \"" + std::string(text.substr(0, 40)) +
                                "\": " + problem);
}

std::string formatNumber(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

}  // namespace

Millis parseDuration(std::string_view text) {
    std::size_t pos = 0;
    std::uint64_t count = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
        count = count * 10 + static_cast<std::uint64_t>(text[pos] - '0');
        if (count > static_cast<std::uint64_t>(kMaxDuration.count())) {
            badDuration(text, "longer than 24h");
        }
    }
    if (pos == 0) {
        badDuration(text, "expected a whole number and a unit, e.g. \"2s\" or \"500ms\"");
    }
    const std::string_view unit = text.substr(pos);
    Millis result{};
    if (unit == "ms") {
        result = Millis(count);
    } else if (unit == "s") {
        result = std::chrono::seconds(count);
    } else if (unit == "m") {
        result = std::chrono::minutes(count);
    } else if (unit == "h") {
        result = std::chrono::hours(count);
    } else if (unit.empty()) {
        badDuration(text, "a duration needs a unit (ms, s, m or h)");
    } else {
        badDuration(text,
                    "unknown unit \"" + std::string(unit.substr(0, 10)) + "\" (use ms, s, m or h)");
    }
    if (result.count() == 0) {
        badDuration(text, "must be above zero");
    }
    if (result > kMaxDuration) {
        badDuration(text, "longer than 24h");
    }
    return result;
}

namespace config_detail {

SourcePosition toPosition(std::string_view source, const toml::source_region& region) {
    return SourcePosition{std::string(source), region.begin.line, region.begin.column};
}

std::string_view typeName(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a decimal number";
        case toml::node_type::boolean:
            return "true/false";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        default:
            return "a date or time";
    }
}

TableReader::TableReader(const toml::table& table, std::string context, std::string_view source,
                         std::vector<std::string>& warnings)
    : table_(table), context_(std::move(context)), source_(source), warnings_(warnings) {}

const toml::node* TableReader::find(std::string_view key) {
    read_.emplace(key);
    return table_.get(key);
}

SourcePosition TableReader::positionOf(std::string_view key) const {
    if (const toml::node* node = table_.get(key)) {
        return toPosition(source_, node->source());
    }
    return tablePosition();
}

SourcePosition TableReader::tablePosition() const {
    return toPosition(source_, table_.source());
}

void TableReader::fail(std::string_view key, const std::string& problem) const {
    throw ConfigError(positionOf(key), context_ + " " + std::string(key) + ": " + problem);
}

bool TableReader::readSize(std::string_view key, KiB& into) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return false;
    }
    const auto* text = node->as_string();
    if (text == nullptr) {
        fail(key, "expected a size string with a unit such as \"64M\", found " +
                      std::string(typeName(*node)));
    }
    try {
        into = parseSize(text->get());
    } catch (const SizeError& e) {
        fail(key, e.what());
    }
    return true;
}

bool TableReader::readDuration(std::string_view key, Millis& into) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return false;
    }
    const auto* text = node->as_string();
    if (text == nullptr) {
        fail(key, "expected a duration string such as \"2s\" or \"500ms\", found " +
                      std::string(typeName(*node)));
    }
    try {
        into = parseDuration(text->get());
    } catch (const std::invalid_argument& e) {
        fail(key, e.what());
    }
    return true;
}

bool TableReader::readBool(std::string_view key, bool& into) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return false;
    }
    const auto* value = node->as_boolean();
    if (value == nullptr) {
        fail(key, "expected true or false, found " + std::string(typeName(*node)));
    }
    into = value->get();
    return true;
}

bool TableReader::readString(std::string_view key, std::string& into) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return false;
    }
    const auto* value = node->as_string();
    if (value == nullptr) {
        fail(key, "expected a string, found " + std::string(typeName(*node)));
    }
    into = value->get();
    return true;
}

bool TableReader::readInteger(std::string_view key, std::uint32_t& into, std::uint32_t lo,
                              std::uint32_t hi) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return false;
    }
    const std::string expected =
        "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    const auto* value = node->as_integer();
    if (value == nullptr) {
        fail(key, expected + ", found " + std::string(typeName(*node)));
    }
    const std::int64_t v = value->get();
    if (v < static_cast<std::int64_t>(lo) || v > static_cast<std::int64_t>(hi)) {
        fail(key, std::to_string(v) + " is out of range; " + expected);
    }
    into = static_cast<std::uint32_t>(v);
    return true;
}

bool TableReader::readNumber(std::string_view key, double& into, double lo, double hi) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return false;
    }
    const std::string expected =
        "expected a number from " + formatNumber(lo) + " to " + formatNumber(hi);
    double v = 0;
    if (const auto* f = node->as_floating_point()) {
        v = f->get();
    } else if (const auto* i = node->as_integer()) {
        v = static_cast<double>(i->get());
    } else {
        fail(key, expected + ", found " + std::string(typeName(*node)));
    }
    if (!std::isfinite(v) || v < lo || v > hi) {
        fail(key, "out of range; " + expected);
    }
    into = v;
    return true;
}

void TableReader::warnUnknownKeys() {
    for (const auto& [key, node] : table_) {
        if (read_.find(key.str()) != read_.end()) {
            continue;
        }
        const SourcePosition where = toPosition(source_, key.source());
        warnings_.push_back(where.toString() + ": unknown key \"" + std::string(key.str()) +
                            "\" in " + context_ + " (ignored)");
    }
}

}  // namespace config_detail
}  // namespace balloon
