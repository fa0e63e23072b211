// Strict reading of one TOML table (toml++): typed getters that place every error at
// file:line:col, and finish() that refuses any key nobody asked for. Used by the scenario parser.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include <toml++/toml.h>

#include "scenario.h"
#include "size.h"

namespace balloon::sim::detail {

inline std::string where(const std::string& src, const toml::source_region& region) {
    return src + ":" + std::to_string(region.begin.line) + ":" +
           std::to_string(region.begin.column) + ": ";
}

// Reads one table, remembering which keys were used so that finish() can refuse the rest.
class TableReader {
public:
    TableReader(const toml::table& table, const std::string& src, std::string what)
        : table_(table), src_(src), what_(std::move(what)) {}

    [[noreturn]] void fail(const toml::node& at, const std::string& message) const {
        throw ScenarioError(where(src_, at.source()) + message);
    }
    [[noreturn]] void fail(const std::string& message) const { fail(table_, message); }

    const toml::node* get(std::string_view key) {
        used_.insert(std::string(key));
        return table_.get(key);
    }
    const toml::node& require(std::string_view key) {
        const toml::node* node = get(key);
        if (node == nullptr) {
            fail(what_ + " needs '" + std::string(key) + "'");
        }
        return *node;
    }

    std::string text(const toml::node& node, std::string_view key) const {
        if (const auto* s = node.as_string()) {
            return s->get();
        }
        fail(node, "'" + std::string(key) + "' must be a string");
    }
    std::string text(std::string_view key, std::string fallback) {
        const toml::node* node = get(key);
        return node == nullptr ? std::move(fallback) : text(*node, key);
    }
    KiB size(std::string_view key, KiB fallback) {
        const toml::node* node = get(key);
        if (node == nullptr) {
            return fallback;
        }
        if (node->is_integer()) {
            fail(*node, "'" + std::string(key) +
                            "' must be a size string such as \"512M\" or "
                            "\"2G\" (a bare number is ambiguous)");
        }
        try {
            return parseSize(text(*node, key));
        } catch (const SizeError& e) {
            fail(*node, "'" + std::string(key) + "': " + e.what());
        }
    }
    Duration duration(std::string_view key, Duration fallback) {
        const toml::node* node = get(key);
        if (node == nullptr) {
            return fallback;
        }
        try {
            return parseDuration(text(*node, key));
        } catch (const std::invalid_argument& e) {
            fail(*node, "'" + std::string(key) + "': " + e.what());
        }
    }
    std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t lo,
                         std::int64_t hi) {
        const toml::node* node = get(key);
        if (node == nullptr) {
            return fallback;
        }
        const auto* v = node->as_integer();
        if (v == nullptr || v->get() < lo || v->get() > hi) {
            fail(*node, "'" + std::string(key) + "' must be an integer from " + std::to_string(lo) +
                            " to " + std::to_string(hi));
        }
        return v->get();
    }
    double number(std::string_view key, double fallback, double lo, double hi) {
        const toml::node* node = get(key);
        if (node == nullptr) {
            return fallback;
        }
        const auto value = node->value<double>();  // integers are accepted too
        if (!value || *value < lo || *value > hi) {
            std::ostringstream range;
            range << lo << " to " << hi;
            fail(*node, "'" + std::string(key) + "' must be a number from " + range.str());
        }
        return *value;
    }
    bool flag(std::string_view key, bool fallback) {
        const toml::node* node = get(key);
        if (node == nullptr) {
            return fallback;
        }
        if (!node->is_boolean()) {
            fail(*node, "'" + std::string(key) + "' must be true or false");
        }
        return node->as_boolean()->get();
    }
    template <class Enum>
    Enum choice(std::string_view key, Enum fallback,
                std::initializer_list<std::pair<std::string_view, Enum>> options) {
        const toml::node* node = get(key);
        if (node == nullptr) {
            return fallback;
        }
        const std::string value = text(*node, key);
        std::string names;
        for (const auto& [name, e] : options) {
            if (name == value) {
                return e;
            }
            names += names.empty() ? "" : ", ";
            names += name;
        }
        fail(*node, "'" + std::string(key) + "' is \"" + value + "\"; expected one of: " + names);
    }
    const toml::table* table(std::string_view key) {
        const toml::node* node = get(key);
        if (node != nullptr && !node->is_table()) {
            fail(*node, "'" + std::string(key) + "' must be a table");
        }
        return node == nullptr ? nullptr : node->as_table();
    }
    // Refuses keys nobody asked for: a typo must not silently become a default.
    void finish() const {
        for (const auto& [key, node] : table_) {
            if (used_.count(std::string(key.str())) == 0) {
                throw ScenarioError(where(src_, key.source()) + "unknown key '" +
                                    std::string(key.str()) + "' in " + what_);
            }
        }
    }
    [[nodiscard]] const std::string& source() const { return src_; }

private:
    const toml::table& table_;
    const std::string& src_;
    std::string what_;
    std::set<std::string> used_;
};

}  // namespace balloon::sim::detail
