// The names of an enum's values as people write them (balloond.toml, scenarios, D-Bus, the CLI):
// one table per enum, kept next to the enum and read both ways.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace balloon {

template <class Enum>
struct EnumName {
    std::string_view name;
    Enum value;
};

template <class Enum, std::size_t N>
using EnumNames = std::array<EnumName<Enum>, N>;

// The name of `value` ("" when the table lacks it, which a test per table rules out).
template <class Enum, std::size_t N>
constexpr std::string_view nameOf(const EnumNames<Enum, N>& names, Enum value) {
    for (const auto& entry : names) {
        if (entry.value == value) {
            return entry.name;
        }
    }
    return {};
}

// The value named exactly `name` (case matters), or nullopt.
template <class Enum, std::size_t N>
constexpr std::optional<Enum> valueOf(const EnumNames<Enum, N>& names, std::string_view name) {
    for (const auto& entry : names) {
        if (entry.name == name) {
            return entry.value;
        }
    }
    return std::nullopt;
}

// "off, proportional or demand": the choices, for messages that say what to write.
template <class Enum, std::size_t N>
std::string listNames(const EnumNames<Enum, N>& names) {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) {
        if (i != 0) {
            out += i + 1 == N ? " or " : ", ";
        }
        out += names[i].name;
    }
    return out;
}

}  // namespace balloon
