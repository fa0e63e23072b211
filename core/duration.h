// Durations as people write them: "500ms", "2s", "5m", "1h" (a whole number and one unit), and
// "0" where the setting has a meaning for zero. One grammar for balloond.toml, the simulator's
// scenarios and command-line options; the caller says whether zero is allowed.
#pragma once

#include <chrono>
#include <string_view>

namespace balloon {

using Millis = std::chrono::milliseconds;

// Longest duration accepted anywhere.
inline constexpr Millis kMaxDuration = std::chrono::hours(24);

// Whether a setting gives zero a meaning ("off", "at once", "every step").
enum class ZeroDuration { Refused, Allowed };

// Parses <digits><unit>, unit ms, s, m or h, above zero and at most kMaxDuration. Zero has one
// spelling, "0" without a unit, accepted only when `zero` is Allowed ("0s" is refused either
// way, so that "0" reads the same everywhere). Throws std::invalid_argument naming the text, the
// bad part and what to write.
Millis parseDuration(std::string_view text, ZeroDuration zero = ZeroDuration::Refused);

}  // namespace balloon
