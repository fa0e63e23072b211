// libFuzzer target: size strings as balloonctl, the D-Bus API and the config file take them
// (core/size.h). SizeError is the expected refusal; any other exception, a size above kMaxSize,
// a formatSize() that does not parse back to the same KiB, or relative and absolute parsing
// disagreeing is a finding.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "size.h"

namespace {

using balloon::KiB;
using balloon::RelativeSizes;
using balloon::SizeArg;

std::optional<KiB> absolute(std::string_view text) {
    try {
        return balloon::parseSize(text);
    } catch (const balloon::SizeError&) {
        return std::nullopt;
    }
}

std::optional<SizeArg> argument(std::string_view text, RelativeSizes relative) {
    try {
        return balloon::parseSizeArg(text, relative);
    } catch (const balloon::SizeError&) {
        return std::nullopt;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::optional<KiB> plain = absolute(text);
    if (plain) {
        if (*plain > balloon::kMaxSize ||
            balloon::parseSize(balloon::formatSize(*plain)) != *plain) {
            __builtin_trap();
        }
        // Only for people; it must not crash nor come out empty.
        if (balloon::formatSizeHuman(*plain).empty()) {
            __builtin_trap();
        }
    }

    // Without relative sizes an argument is exactly parseSize.
    const std::optional<SizeArg> refused = argument(text, RelativeSizes::Refused);
    if (refused.has_value() != plain.has_value() ||
        (refused && (refused->kind != SizeArg::Kind::Absolute || refused->amount != *plain))) {
        __builtin_trap();
    }

    // With them, everything absolute still means the same, and applying stays in bounds.
    const std::optional<SizeArg> allowed = argument(text, RelativeSizes::Allowed);
    if (plain && (!allowed || *allowed != *refused)) {
        __builtin_trap();
    }
    if (allowed) {
        for (const KiB current : {KiB{0}, balloon::mib(1024), balloon::kMaxSize}) {
            if (allowed->applyTo(current) > balloon::kMaxSize) {
                __builtin_trap();
            }
        }
    }
    return 0;
}
