#include "toml_reader.h"

#include <cmath>
#include <sstream>
#include <utility>

#include "size.h"

namespace balloon {
namespace {

std::string formatNumber(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

SourcePosition positionIn(std::string_view source, const toml::source_region& region) {
    return SourcePosition{std::string(source), region.begin.line, region.begin.column};
}

}  // namespace

std::string SourcePosition::toString() const {
    if (line == 0) {
        return source;
    }
    return source + ":" + std::to_string(line) + ":" + std::to_string(column);
}

TomlError::TomlError(SourcePosition position, const std::string& problem)
    : std::runtime_error(position.toString() + ": " + problem), position_(std::move(position)) {}

toml::table parseToml(std::string_view text, std::string_view source) {
    try {
        return toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw TomlError(positionIn(source, e.source()),
                        "not valid TOML: " + std::string(e.description()));
    }
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

TomlReader::TomlReader(const toml::table& root, std::string_view source, UnknownKeys unknown,
                       std::vector<std::string>* warnings)
    : TomlReader(root, std::string(), source, unknown, warnings) {}

TomlReader::TomlReader(const toml::table& table, std::string context, std::string_view source,
                       UnknownKeys unknown, std::vector<std::string>* warnings)
    : table_(table),
      context_(std::move(context)),
      source_(source),
      unknown_(unknown),
      warnings_(warnings) {}

TomlReader TomlReader::nested(const toml::table& table, std::string context) const {
    return TomlReader(table, std::move(context), source_, unknown_, warnings_);
}

const toml::node* TomlReader::find(std::string_view key) {
    read_.emplace(key);
    return table_.get(key);
}

SourcePosition TomlReader::toPosition(const toml::source_region& region) const {
    return positionIn(source_, region);
}

SourcePosition TomlReader::positionOf(std::string_view key) const {
    if (const toml::node* node = table_.get(key)) {
        return toPosition(node->source());
    }
    return tablePosition();
}

SourcePosition TomlReader::tablePosition() const {
    return toPosition(table_.source());
}

void TomlReader::fail(std::string_view key, const std::string& problem) const {
    const std::string prefix = context_.empty() ? "" : context_ + " ";
    throw TomlError(positionOf(key), prefix + std::string(key) + ": " + problem);
}

bool TomlReader::readSize(std::string_view key, KiB& into) {
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

bool TomlReader::readDuration(std::string_view key, Millis& into, ZeroDuration zero) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return false;
    }
    const auto* text = node->as_string();
    if (text == nullptr) {
        fail(key, std::string(zero == ZeroDuration::Allowed
                                  ? "expected a string: \"0\" or a duration such as \"5m\""
                                  : "expected a duration string such as \"2s\" or \"500ms\"") +
                      ", found " + std::string(typeName(*node)));
    }
    try {
        into = parseDuration(text->get(), zero);
    } catch (const std::invalid_argument& e) {
        fail(key, e.what());
    }
    return true;
}

bool TomlReader::readBool(std::string_view key, bool& into) {
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

bool TomlReader::readString(std::string_view key, std::string& into) {
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

bool TomlReader::readInt64(std::string_view key, std::int64_t& into, std::int64_t lo,
                           std::int64_t hi) {
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
    if (v < lo || v > hi) {
        fail(key, std::to_string(v) + " is out of range; " + expected);
    }
    into = v;
    return true;
}

bool TomlReader::readNumber(std::string_view key, double& into, double lo, double hi) {
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

const toml::table* TomlReader::table(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return nullptr;
    }
    if (const auto* table = node->as_table()) {
        return table;
    }
    throw TomlError(toPosition(node->source()), "\"" + std::string(key) + "\" must be a table ([" +
                                                    std::string(key) + "]), found " +
                                                    std::string(typeName(*node)));
}

std::vector<const toml::table*> TomlReader::tables(std::string_view key) {
    std::vector<const toml::table*> out;
    const toml::node* node = find(key);
    if (node == nullptr) {
        return out;
    }
    const std::string name(key);
    const auto* array = node->as_array();
    if (array == nullptr) {
        throw TomlError(
            toPosition(node->source()),
            "\"" + name + "\" is an array of tables: write [[" + name + "]], not [" + name + "]");
    }
    for (const toml::node& element : *array) {
        const auto* table = element.as_table();
        if (table == nullptr) {
            throw TomlError(
                toPosition(element.source()),
                "each [[" + name + "]] must be a table, found " + std::string(typeName(element)));
        }
        out.push_back(table);
    }
    return out;
}

void TomlReader::finish() {
    for (const auto& [key, node] : table_) {
        if (read_.find(key.str()) != read_.end()) {
            continue;
        }
        const std::string name(key.str());
        std::string what = context_.empty() && node.is_table() ? "unknown table [" + name + "]"
                                                               : "unknown key \"" + name + "\"";
        if (!context_.empty()) {
            what += " in " + context_;
        }
        const SourcePosition where = toPosition(key.source());
        if (unknown_ == UnknownKeys::Refuse || warnings_ == nullptr) {
            throw TomlError(where, what);
        }
        warnings_->push_back(where.toString() + ": " + what + " (ignored)");
    }
}

}  // namespace balloon
