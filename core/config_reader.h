// Typed, position-aware reads from one TOML table, for the config parser (core/config.cpp). Each
// read names the key, so the keys nobody asked for are exactly the unknown ones.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config.h"

namespace balloon::config_detail {

SourcePosition toPosition(std::string_view source, const toml::source_region& region);

class TableReader {
public:
    // context names the table in messages: "[policy]", "[[domain]] #2".
    TableReader(const toml::table& table, std::string context, std::string_view source,
                std::vector<std::string>& warnings);

    // Each returns whether the key was there; when it was, `into` holds its validated value.
    // A wrong type or value throws ConfigError at the value's position.
    bool readSize(std::string_view key, KiB& into);
    bool readDuration(std::string_view key, Millis& into);
    bool readBool(std::string_view key, bool& into);
    bool readString(std::string_view key, std::string& into);
    bool readInteger(std::string_view key, std::uint32_t& into, std::uint32_t lo, std::uint32_t hi);
    bool readNumber(std::string_view key, double& into, double lo, double hi);

    // Warns about every key not read so far (call after all reads).
    void warnUnknownKeys();

    // Position of a key's value, or of the table itself when the key is absent.
    [[nodiscard]] SourcePosition positionOf(std::string_view key) const;
    [[nodiscard]] SourcePosition tablePosition() const;
    [[nodiscard]] const std::string& context() const { return context_; }
    [[noreturn]] void fail(std::string_view key, const std::string& problem) const;

private:
    const toml::node* find(std::string_view key);

    const toml::table& table_;
    std::string context_;
    std::string_view source_;
    std::vector<std::string>& warnings_;
    std::set<std::string, std::less<>> read_;
};

// What kind of TOML value a node is, for "expected X, found Y" messages.
std::string_view typeName(const toml::node& node);

}  // namespace balloon::config_detail
