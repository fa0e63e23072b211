// Memory sizes as people write them ("512M", "2G", "1.5GiB") and back. Every form `xl mem-set`
// accepts parses to the KiB xl would use; the extensions and deliberate differences are listed in
// docs/sizes.md.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "units.h"

namespace balloon {

// Largest size accepted: 1 PiB (2^40 KiB, "1024T"). Far above any Xen host, far below where
// KiB arithmetic could wrap; xl itself has no check and silently wraps.
inline constexpr KiB kMaxSize{std::uint64_t{1} << 40};

// A size that could not be parsed. what() names the text, the bad part and what to write instead.
class SizeError : public std::invalid_argument {
public:
    SizeError(std::string_view text, const std::string& problem);
};

// An absolute size: an unsigned decimal number (optionally with a fraction) and at most one unit.
//   t g m k b           xl's suffixes, any case; no unit means MiB, b means bytes
//   TiB GiB MiB KiB     binary, any case
//   TB GB MB KB         binary too: 1 MB = 1024 KiB, as everywhere in Xen
// Spaces and tabs around the text and between number and unit are ignored. Results are rounded
// down to whole KiB (xl shifts bytes right by 10, which rounds down; fractions follow the same
// rule). Throws SizeError for anything else, including a sign ("+", "-") and sizes above kMaxSize.
KiB parseSize(std::string_view text);

// Whether a size argument may be relative to the current value ("+256M", "-1G").
enum class RelativeSizes { Refused, Allowed };

// A size argument: absolute, or an amount to add to or take from a current value.
struct SizeArg {
    enum class Kind { Absolute, Increase, Decrease };
    Kind kind = Kind::Absolute;
    KiB amount;

    // The resulting size: amount itself, or current +/- amount (saturating at 0 and at kMaxSize).
    [[nodiscard]] KiB applyTo(KiB current) const;
    bool operator==(const SizeArg&) const = default;
};

// parseSize, plus a leading "+" or "-" when relative sizes are allowed.
SizeArg parseSizeArg(std::string_view text, RelativeSizes relative);

// Exact and xl-parseable: the largest of T, G, M, K that divides the value ("512M", "1536M",
// "4097K"; 0 is "0"). parseSize(formatSize(x)) == x for every x.
std::string formatSize(KiB size);

// For people reading: the largest unit with a value of at least 1, at most two decimals, rounded
// to nearest ("1.5G", "511.99M", "12K"). Exact when two decimals suffice; not for xl.
std::string formatSizeHuman(KiB size);

}  // namespace balloon
