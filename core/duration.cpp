#include "duration.h"

#include <cstdint>
#include <stdexcept>
#include <string>

#include "untrusted_text.h"

namespace balloon {
namespace {

[[noreturn]] void badDuration(std::string_view text, const std::string& problem) {
    throw std::invalid_argument("bad duration " + quoteUntrusted(text, 40) + ": " + problem);
}

}  // namespace

Millis parseDuration(std::string_view text, ZeroDuration zero) {
    if (text == "0" && zero == ZeroDuration::Allowed) {
        return Millis{0};
    }
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
        badDuration(text, "unknown unit " + quoteUntrusted(unit, 10) + " (use ms, s, m or h)");
    }
    if (result.count() == 0) {
        badDuration(text, zero == ZeroDuration::Allowed ? "write zero as \"0\", without a unit"
                                                        : "must be above zero");
    }
    if (result > kMaxDuration) {
        badDuration(text, "longer than 24h");
    }
    return result;
}

}  // namespace balloon
