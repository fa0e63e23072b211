#include "size.h"

#include <array>
#include <cctype>
#include <limits>
#include <optional>

#include <boost/algorithm/string/case_conv.hpp>

#include "untrusted_text.h"

namespace balloon {
namespace {

constexpr std::uint64_t kKiBPerTiB = std::uint64_t{1} << 30;
constexpr std::uint64_t kKiBPerGiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kKiBPerMiB = std::uint64_t{1} << 10;
// Nine decimal places keep fraction * unit below 2^60: no overflow, and finer than 1 KiB anyway.
constexpr int kMaxFractionDigits = 9;
// Error messages quote at most this much of the input: sizes may arrive over D-Bus from anyone.
constexpr std::size_t kMaxQuoted = 40;

const char* const kUnitHint = "use K, M, G, T or KiB, MiB, GiB, TiB; a bare number is MiB";

bool isBlank(char c) {
    return c == ' ' || c == '\t';
}
bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
    return trimWhere(s, isBlank);
}

std::string quote(std::string_view s) {
    return quoteUntrusted(s, kMaxQuoted);
}

// KiB per unit; 0 stands for bytes (the one unit smaller than a KiB).
std::optional<std::uint64_t> unitKiB(std::string_view unit) {
    const std::string u = boost::algorithm::to_lower_copy(std::string(unit));
    if (u.empty() || u == "m" || u == "mb" || u == "mib") {
        return kKiBPerMiB;
    }
    if (u == "k" || u == "kb" || u == "kib") {
        return 1;
    }
    if (u == "g" || u == "gb" || u == "gib") {
        return kKiBPerGiB;
    }
    if (u == "t" || u == "tb" || u == "tib") {
        return kKiBPerTiB;
    }
    if (u == "b") {
        return 0;
    }
    return std::nullopt;
}

bool isXlSuffix(char c) {
    const auto l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l == 't' || l == 'g' || l == 'm' || l == 'k' || l == 'b';
}

[[noreturn]] void tooLarge(std::string_view text) {
    throw SizeError(text, "larger than the limit of 1024T (1 PiB)");
}

// Parses an unsigned size (no sign) found in `body`; `text` is the whole input, for messages.
KiB parseMagnitude(std::string_view text, std::string_view body) {
    body = trim(body);
    if (body.empty()) {
        throw SizeError(text, "no number (write a number with an optional unit, e.g. 512M)");
    }
    if (body.size() >= 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
        throw SizeError(text, "hexadecimal is not accepted (write the size in decimal)");
    }
    if (body.front() == '.') {
        throw SizeError(text, "a fraction needs a leading digit (write 0.5, not .5)");
    }
    if (!isDigit(body.front())) {
        if (unitKiB(body)) {
            throw SizeError(text, "no number before the unit " + quote(body));
        }
        throw SizeError(text, "expected a number, found " + quote(body));
    }

    std::size_t pos = 0;
    std::uint64_t whole = 0;
    for (; pos < body.size() && isDigit(body[pos]); ++pos) {
        const auto digit = static_cast<std::uint64_t>(body[pos] - '0');
        if (whole > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
            tooLarge(text);
        }
        whole = whole * 10 + digit;
    }

    std::uint64_t fraction = 0;       // the digits after the point, as an integer
    std::uint64_t fractionScale = 1;  // 10^(number of those digits)
    if (pos < body.size() && body[pos] == '.') {
        ++pos;
        int digits = 0;
        for (; pos < body.size() && isDigit(body[pos]); ++pos, ++digits) {
            if (digits == kMaxFractionDigits) {
                throw SizeError(text, "more than 9 decimal places");
            }
            fraction = fraction * 10 + static_cast<std::uint64_t>(body[pos] - '0');
            fractionScale *= 10;
        }
        if (digits == 0) {
            throw SizeError(text, "no digits after the decimal point");
        }
        if (pos < body.size() && body[pos] == '.') {
            throw SizeError(text, "more than one decimal point");
        }
    }

    const std::string_view unit = trim(body.substr(pos));
    const std::optional<std::uint64_t> perUnit = unitKiB(unit);
    if (!perUnit) {
        if (unit.size() == 2 && isXlSuffix(unit[0]) && isXlSuffix(unit[1])) {
            throw SizeError(text, "two units " + quote(unit.substr(0, 1)) + " and " +
                                      quote(unit.substr(1)) + " (write one)");
        }
        throw SizeError(text, "unknown unit " + quote(unit) + " (" + kUnitHint + ")");
    }

    if (*perUnit == 0) {  // bytes: whole bytes only, rounded down to KiB like xl's shift
        if (fractionScale != 1) {
            throw SizeError(text, "a byte count cannot have a fraction");
        }
        const KiB result{whole / 1024};
        if (result > kMaxSize) {
            tooLarge(text);
        }
        return result;
    }
    if (whole > kMaxSize.count() / *perUnit) {
        tooLarge(text);
    }
    const KiB result{whole * *perUnit + fraction * *perUnit / fractionScale};
    if (result > kMaxSize) {
        tooLarge(text);
    }
    return result;
}

}  // namespace

SizeError::SizeError(std::string_view text, const std::string& problem)
    : std::invalid_argument("bad size " + quote(text) + ": " + problem) {}

KiB parseSize(std::string_view text) {
    return parseSizeArg(text, RelativeSizes::Refused).amount;
}

SizeArg parseSizeArg(std::string_view text, RelativeSizes relative) {
    const std::string_view body = trim(text);
    if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
        const bool minus = body.front() == '-';
        if (relative == RelativeSizes::Refused) {
            throw SizeError(text, minus ? "negative sizes are not allowed here (\"-\" would be "
                                          "relative; give an absolute size such as 256M)"
                                        : "a relative size (\"+\") is not allowed here; give an "
                                          "absolute size such as 256M");
        }
        const std::string_view rest = body.substr(1);
        if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
            throw SizeError(text, "more than one sign");
        }
        return SizeArg{minus ? SizeArg::Kind::Decrease : SizeArg::Kind::Increase,
                       parseMagnitude(text, rest)};
    }
    return SizeArg{SizeArg::Kind::Absolute, parseMagnitude(text, body)};
}

KiB SizeArg::applyTo(KiB current) const {
    switch (kind) {
        case Kind::Increase:
            return min(current + amount, max(current, kMaxSize));
        case Kind::Decrease:
            return current - amount;
        case Kind::Absolute:
            break;
    }
    return amount;
}

namespace {

struct Unit {
    std::uint64_t kib;
    char letter;
};
constexpr std::array<Unit, 4> kUnits{{
    {kKiBPerTiB, 'T'},
    {kKiBPerGiB, 'G'},
    {kKiBPerMiB, 'M'},
    {1, 'K'},
}};

}  // namespace

std::string formatSize(KiB size) {
    const std::uint64_t n = size.count();
    if (n == 0) {
        return "0";
    }
    for (const Unit& unit : kUnits) {
        if (n % unit.kib == 0) {
            return std::to_string(n / unit.kib) + unit.letter;
        }
    }
    return std::to_string(n) + 'K';  // not reached: K divides everything
}

std::string formatSizeHuman(KiB size) {
    const std::uint64_t n = size.count();
    for (std::size_t i = 0; i < kUnits.size(); ++i) {
        const Unit& unit = kUnits[i];
        if (n < unit.kib && unit.kib != 1) {
            continue;
        }
        std::uint64_t whole = n / unit.kib;
        // remainder < 2^30, so remainder * 100 cannot overflow.
        std::uint64_t hundredths = (n % unit.kib * 100 + unit.kib / 2) / unit.kib;
        if (hundredths == 100) {
            whole += 1;
            hundredths = 0;
        }
        if (whole == 1024 && i > 0) {  // rounded up into the next unit: "1G", not "1024M"
            return "1" + std::string(1, kUnits[i - 1].letter);
        }
        std::string out = std::to_string(whole);
        if (hundredths != 0) {
            out += '.';
            out += static_cast<char>('0' + hundredths / 10);
            if (hundredths % 10 != 0) {
                out += static_cast<char>('0' + hundredths % 10);
            }
        }
        return out + unit.letter;
    }
    return "0K";  // not reached: the K unit always matches
}

}  // namespace balloon
