// Typed, position-aware reads from TOML tables (toml++), for balloond.toml (core/config.cpp) and
// the simulator's scenarios (sim/scenario_parser.cpp). Each read names its key, so the keys nobody
// asked for are exactly the unknown ones; finish() warns about them or refuses them.
#pragma once

#include <concepts>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <toml++/toml.h>

#include "duration.h"
#include "enum_names.h"
#include "units.h"

namespace balloon {

// Where something was written, for messages: "balloond.toml:12:1" (just the file at line 0).
struct SourcePosition {
    std::string source;
    std::uint32_t line = 0;
    std::uint32_t column = 0;

    [[nodiscard]] std::string toString() const;
    bool operator==(const SourcePosition&) const = default;
};

// A TOML file that does not parse or does not make sense. what() is "file:line:column: problem";
// position() is the place.
class TomlError : public std::runtime_error {
public:
    TomlError(SourcePosition position, const std::string& problem);
    [[nodiscard]] const SourcePosition& position() const { return position_; }

private:
    SourcePosition position_;
};

// What finish() does with the keys nobody read.
enum class UnknownKeys {
    Warn,    // one warning each (balloond.toml: a newer file on an older daemon still starts)
    Refuse,  // a TomlError at the first (scenarios: a typo must not silently become a default)
};

// Parses TOML text; a syntax error is a TomlError at its place ("not valid TOML: ...").
toml::table parseToml(std::string_view text, std::string_view source);

// What kind of TOML value a node is, for "expected X, found Y" messages.
std::string_view typeName(const toml::node& node);

class TomlReader {
public:
    // The reader of a file's root table. With UnknownKeys::Warn, finish() appends to `warnings`.
    TomlReader(const toml::table& root, std::string_view source, UnknownKeys unknown,
               std::vector<std::string>* warnings = nullptr);
    // A reader of a table inside this one, with the same rules; context names it in messages:
    // "[policy]", "[[domain]] #2".
    [[nodiscard]] TomlReader nested(const toml::table& table, std::string context) const;

    // Each returns whether the key was there; when it was, `into` holds its validated value.
    // A wrong type or value throws TomlError at the value's position.
    bool readSize(std::string_view key, KiB& into);
    bool readDuration(std::string_view key, Millis& into,
                      ZeroDuration zero = ZeroDuration::Refused);
    bool readBool(std::string_view key, bool& into);
    bool readString(std::string_view key, std::string& into);
    template <std::integral T>
    bool readInteger(std::string_view key, T& into, std::type_identity_t<T> lo,
                     std::type_identity_t<T> hi) {
        std::int64_t value = 0;
        if (!readInt64(key, value, static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi))) {
            return false;
        }
        into = static_cast<T>(value);
        return true;
    }
    bool readNumber(std::string_view key, double& into, double lo, double hi);
    // One of the names in `names`; `what` names the kind of value in messages ("policy").
    template <class Enum, std::size_t N>
    bool readChoice(std::string_view key, Enum& into, const EnumNames<Enum, N>& names,
                    std::string_view what) {
        std::string text;
        if (!readString(key, text)) {
            return false;
        }
        const auto value = valueOf(names, text);
        if (!value) {
            fail(key, "unknown " + std::string(what) + " \"" + text.substr(0, 40) +
                          "\"; expected " + listNames(names));
        }
        into = *value;
        return true;
    }
    // The table under `key` ([key] or key = {...}); nullptr when absent.
    const toml::table* table(std::string_view key);
    // The tables of an array of tables ([[key]]); empty when absent.
    std::vector<const toml::table*> tables(std::string_view key);
    // Whether the key is there (a presence check; it does not count as reading it).
    [[nodiscard]] bool has(std::string_view key) const { return table_.get(key) != nullptr; }

    // The keys not read so far: warnings or a TomlError, as the reader was made. Call it after
    // all reads.
    void finish();

    // Position of a key's value, or of the table itself when the key is absent.
    [[nodiscard]] SourcePosition positionOf(std::string_view key) const;
    [[nodiscard]] SourcePosition tablePosition() const;
    [[nodiscard]] const std::string& context() const { return context_; }
    // "<position of key>: <context> <key>: <problem>".
    [[noreturn]] void fail(std::string_view key, const std::string& problem) const;

private:
    TomlReader(const toml::table& table, std::string context, std::string_view source,
               UnknownKeys unknown, std::vector<std::string>* warnings);
    const toml::node* find(std::string_view key);
    bool readInt64(std::string_view key, std::int64_t& into, std::int64_t lo, std::int64_t hi);
    [[nodiscard]] SourcePosition toPosition(const toml::source_region& region) const;

    const toml::table& table_;
    std::string context_;
    std::string_view source_;
    UnknownKeys unknown_;
    std::vector<std::string>* warnings_;
    std::set<std::string, std::less<>> read_;
};

}  // namespace balloon
