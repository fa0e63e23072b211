#include "stats_codec.h"

#include <array>
#include <charconv>
#include <stdexcept>

#include "untrusted_text.h"

namespace balloon {
namespace {

enum class Kind { Sequence, KiBValue, Counter, Psi, Flag };

struct KeySpec {
    std::string_view name;
    Kind kind;
    bool required;
};

// Canonical order: the encoder writes keys in this order; the decoder accepts any order.
constexpr std::array<KeySpec, 16> kKeys{{
    {"seq", Kind::Sequence, true},
    {"ts", Kind::Sequence, true},
    {"total", Kind::KiBValue, true},
    {"used", Kind::KiBValue, true},
    {"avail", Kind::KiBValue, false},
    {"free", Kind::KiBValue, false},
    {"cache", Kind::KiBValue, false},
    {"swap", Kind::KiBValue, false},
    {"swin", Kind::Counter, false},
    {"swout", Kind::Counter, false},
    {"majflt", Kind::Counter, false},
    {"refault", Kind::Counter, false},
    {"psi", Kind::Psi, false},
    {"min", Kind::KiBValue, false},
    {"req", Kind::KiBValue, false},
    {"scrub", Kind::Flag, false},
}};
constexpr std::string_view kVersion = "v1";

using Values = std::array<std::optional<std::uint64_t>, kKeys.size()>;

constexpr std::uint64_t boundOf(Kind kind) {
    switch (kind) {
        case Kind::Sequence:
            return kMaxSequence;
        case Kind::KiBValue:
        case Kind::Counter:
            return kMaxReportValue;
        case Kind::Psi:
            return kMaxPsi;
        case Kind::Flag:
            return 1;
    }
    return 0;
}

std::optional<std::uint64_t> count(const std::optional<KiB>& v) {
    return v ? std::optional<std::uint64_t>{v->count()} : std::nullopt;
}
std::optional<KiB> kib(const std::optional<std::uint64_t>& v) {
    return v ? std::optional<KiB>{KiB{*v}} : std::nullopt;
}

// The report's fields in kKeys order; the one place that maps names to GuestReport members.
Values toValues(const GuestReport& r) {
    return {r.sequence,
            r.timestamp,
            r.total.count(),
            r.used.count(),
            count(r.available),
            count(r.free),
            count(r.caches),
            count(r.swapUsed),
            r.swapInPages,
            r.swapOutPages,
            r.majorFaults,
            r.refaults,
            r.psiSomeAvg10 ? std::optional<std::uint64_t>{*r.psiSomeAvg10} : std::nullopt,
            count(r.guestMin),
            count(r.requestedTarget),
            r.scrubsPages ? std::optional<std::uint64_t>{*r.scrubsPages ? 1 : 0} : std::nullopt};
}

GuestReport fromValues(const Values& v) {
    GuestReport r;
    r.source = ReportSource::Balloond;
    r.sequence = v[0].value_or(0);
    r.timestamp = v[1].value_or(0);
    r.total = KiB{v[2].value_or(0)};
    r.used = KiB{v[3].value_or(0)};
    r.available = kib(v[4]);
    r.free = kib(v[5]);
    r.caches = kib(v[6]);
    r.swapUsed = kib(v[7]);
    r.swapInPages = v[8];
    r.swapOutPages = v[9];
    r.majorFaults = v[10];
    r.refaults = v[11];
    if (v[12]) {
        r.psiSomeAvg10 = static_cast<std::uint32_t>(*v[12]);  // bounded by kMaxPsi
    }
    r.guestMin = kib(v[13]);
    r.requestedTarget = kib(v[14]);
    if (v[15]) {
        r.scrubsPages = *v[15] == 1;
    }
    return r;
}

std::string notAbove(std::string_view what, std::string_view limit) {
    return std::string(what) + " exceeds " + std::string(limit);
}

DecodeResult refuse(std::string_view format, std::string why) {
    return {std::nullopt, std::string(format) + ": " + std::move(why)};
}

}  // namespace

std::optional<std::uint64_t> parseBoundedDecimal(std::string_view text, std::uint64_t bound,
                                                 std::string& why) {
    if (text.empty()) {
        why = "empty value";
        return std::nullopt;
    }
    for (const char c : text) {
        if (c < '0' || c > '9') {
            why = "not a decimal number: " + quoteUntrusted(text);
            return std::nullopt;
        }
    }
    if (text.size() > 1 && text.front() == '0') {
        why = "leading zero in " + quoteUntrusted(text);
        return std::nullopt;
    }
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        why = "number too large: " + quoteUntrusted(text);
        return std::nullopt;
    }
    if (value > bound) {
        why = std::to_string(value) + " is above the limit " + std::to_string(bound);
        return std::nullopt;
    }
    return value;
}

std::string validateReport(const GuestReport& report) {
    const Values values = toValues(report);
    for (std::size_t i = 0; i < kKeys.size(); ++i) {
        if (values[i] && *values[i] > boundOf(kKeys[i].kind)) {
            return notAbove(kKeys[i].name, std::to_string(boundOf(kKeys[i].kind)));
        }
    }
    if (report.total == KiB{0}) {
        return "total is 0 KiB";
    }
    const auto fitsTotal = [&](const std::optional<KiB>& v) { return !v || *v <= report.total; };
    if (report.used > report.total) {
        return notAbove("used", "total");
    }
    if (!fitsTotal(report.available)) {
        return notAbove("avail", "total");
    }
    if (!fitsTotal(report.free)) {
        return notAbove("free", "total");
    }
    if (!fitsTotal(report.caches)) {
        return notAbove("cache", "total");
    }
    if (report.guestMin && report.requestedTarget && *report.requestedTarget < *report.guestMin) {
        return "req is below min";
    }
    return {};
}

std::string encodeReport(const GuestReport& report) {
    if (std::string why = validateReport(report); !why.empty()) {
        throw std::invalid_argument("cannot encode balloon report: " + why);
    }
    const Values values = toValues(report);
    std::string out(kVersion);
    for (std::size_t i = 0; i < kKeys.size(); ++i) {
        if (values[i]) {
            out += ' ';
            out += kKeys[i].name;
            out += '=';
            out += std::to_string(*values[i]);
        }
    }
    return out;  // at most ~420 bytes with every key at its bound (tested)
}

DecodeResult decodeReport(std::string_view text) {
    constexpr std::string_view kFormat = "balloon-report";
    if (text.size() > kMaxReportBytes) {
        return refuse(kFormat, std::to_string(text.size()) + " bytes, more than the limit of " +
                                   std::to_string(kMaxReportBytes));
    }
    const auto firstSpace = text.find(' ');
    const std::string_view version = text.substr(0, firstSpace);
    if (version != kVersion) {
        return refuse(kFormat, "unsupported version " + quoteUntrusted(version) +
                                   " (this reader understands " + std::string(kVersion) + ")");
    }
    Values values{};
    std::string_view rest =
        firstSpace == std::string_view::npos ? std::string_view{} : text.substr(firstSpace + 1);
    if (firstSpace != std::string_view::npos && rest.empty()) {
        return refuse(kFormat, "trailing space");
    }
    while (!rest.empty()) {
        const auto space = rest.find(' ');
        const std::string_view field = rest.substr(0, space);
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
        if (field.empty() || (space != std::string_view::npos && rest.empty())) {
            return refuse(kFormat, "empty field (fields are separated by exactly one space)");
        }
        const auto eq = field.find('=');
        if (eq == std::string_view::npos) {
            return refuse(kFormat, "field without '=': " + quoteUntrusted(field));
        }
        const std::string_view key = field.substr(0, eq);
        std::size_t index = 0;
        while (index < kKeys.size() && kKeys[index].name != key) {
            ++index;
        }
        if (index == kKeys.size()) {
            return refuse(kFormat, "unknown key " + quoteUntrusted(key));
        }
        if (values[index]) {
            return refuse(kFormat, "key '" + std::string(key) + "' given twice");
        }
        std::string why;
        values[index] = parseBoundedDecimal(field.substr(eq + 1), boundOf(kKeys[index].kind), why);
        if (!values[index]) {
            return refuse(kFormat, "key '" + std::string(key) + "': " + why);
        }
    }
    for (std::size_t i = 0; i < kKeys.size(); ++i) {
        if (kKeys[i].required && !values[i]) {
            return refuse(kFormat, "required key '" + std::string(kKeys[i].name) + "' missing");
        }
    }
    GuestReport report = fromValues(values);
    if (std::string why = validateReport(report); !why.empty()) {
        return refuse(kFormat, "inconsistent: " + why);
    }
    return {report, {}};
}

DecodeResult parseQubesMeminfo(std::string_view text) {
    std::string why;
    const auto used = parseBoundedDecimal(text, kMaxReportValue, why);
    if (!used) {
        return refuse(kQubesMeminfoKey, why);
    }
    GuestReport report;
    report.source = ReportSource::Qubes;
    report.used = KiB{*used};
    return {report, {}};
}

DecodeResult parseXenServerMeminfo(std::string_view total, std::string_view free) {
    std::string why;
    const auto totalKib = parseBoundedDecimal(total, kMaxReportValue, why);
    if (!totalKib) {
        return refuse(kXenServerTotalKey, why);
    }
    const auto freeKib = parseBoundedDecimal(free, kMaxReportValue, why);
    if (!freeKib) {
        return refuse(kXenServerFreeKey, why);
    }
    if (*totalKib == 0) {
        return refuse(kXenServerTotalKey, "total is 0 KiB");
    }
    if (*freeKib > *totalKib) {
        return refuse(kXenServerFreeKey, "free exceeds total");
    }
    GuestReport report;
    report.source = ReportSource::XenServer;
    report.total = KiB{*totalKib};
    report.free = KiB{*freeKib};
    report.used = KiB{*totalKib - *freeKib};
    return {report, {}};
}

}  // namespace balloon
