// libFuzzer target: qmemman's client requests (core/qmemman_protocol.h), the bytes a Qubes client
// (any process that may open the socket) sends. The input is fed to RequestBuffer in pieces split
// at NUL bytes, as reads might return it, and the completed line parsed. A finding is a crash; a
// buffer holding more than kMaxRequestBytes or a line with a newline; an accepted size above 1 PiB;
// a domid at or above 32752 or named twice; an Invalid without a reason.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>
#include <variant>

#include "qmemman_protocol.h"

namespace {

namespace qm = balloon::qmemman;

constexpr balloon::KiB kMaxKiB{(qm::kMaxBytes + 1023) / 1024};

void check(const qm::Request& request) {
    if (const auto* free = std::get_if<qm::FreeMemory>(&request)) {
        if (free->amount > kMaxKiB) {
            __builtin_trap();
        }
    } else if (const auto* set = std::get_if<qm::SetSizes>(&request)) {
        std::set<balloon::DomId> seen;
        if (set->domains.empty()) {
            __builtin_trap();
        }
        for (const auto& d : set->domains) {
            if (d.domid >= balloon::kFirstReservedDomId || d.size > kMaxKiB ||
                !seen.insert(d.domid).second) {
                __builtin_trap();
            }
        }
    } else if (std::get<qm::Invalid>(request).reason.empty()) {
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check(qm::parseRequest(input));  // the whole input as one line

    qm::RequestBuffer buffer;
    while (!input.empty()) {
        const std::size_t cut = input.find('\0');
        const std::string_view piece = input.substr(0, cut);
        buffer.append(piece);
        input.remove_prefix(cut == std::string_view::npos ? input.size() : cut + 1);
    }
    if (buffer.endOfInput() == qm::RequestBuffer::State::Complete) {
        if (buffer.line().size() > qm::kMaxRequestBytes ||
            buffer.line().find('\n') != std::string_view::npos) {
            __builtin_trap();
        }
        check(qm::parseRequest(buffer.line()));
    }
    return 0;
}
