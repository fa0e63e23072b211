// qmemman's client protocol (Qubes' qubesd speaks it; docs/operating.md, "Moving from qmemman"):
// one ASCII request per connection, ending in a newline, answered with one word and a newline.
//   "N"            make N bytes free for a domain about to be built   -> "OK" / "FAIL"
//   "D:B D:B ..."  set these domains to these sizes (B = 0: preferred) -> "OK" / "FAIL"
//   anything else                                                      -> "INVALID_ARG"
// Pure parsing of untrusted bytes: bounded, strict, never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domid.h"
#include "units.h"

namespace balloon::qmemman {

// A request longer than this (qmemman reads at most 1024 bytes) is refused unread.
inline constexpr std::size_t kMaxRequestBytes = 1024;
// Sizes above 1 PiB are no host's; refusing them keeps KiB arithmetic far from wrapping.
inline constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 50;

inline constexpr std::string_view kOk = "OK\n";
inline constexpr std::string_view kFail = "FAIL\n";
inline constexpr std::string_view kInvalidArg = "INVALID_ARG\n";

// "N": free this much (bytes rounded up to whole KiB).
struct FreeMemory {
    KiB amount;
};

// One "D:B": a domain and its size (bytes rounded up to whole KiB).
struct DomainSize {
    DomId domid = 0;
    KiB size;  // zero: the domain's preferred size
    bool operator==(const DomainSize&) const = default;
};

// "D:B D:B ...": each domain to its size; every domid at most once.
struct SetSizes {
    std::vector<DomainSize> domains;
};

// Anything else; reason says what was wrong, for the log (never sent to the client).
struct Invalid {
    std::string reason;
};

using Request = std::variant<FreeMemory, SetSizes, Invalid>;

// Parses one request: the bytes before the newline. Leading and trailing ASCII whitespace is
// ignored, as qmemman strips it; numbers are plain decimal digits without leading zeros.
Request parseRequest(std::string_view line);

// Gathers a request from a stream socket's reads: complete at the first newline, or when the
// client shuts its side down with some bytes sent; too long past kMaxRequestBytes.
class RequestBuffer {
public:
    enum class State { NeedMore, Complete, TooLong, Empty };

    // Appends what one read returned; returns the state after it.
    State append(std::string_view bytes);
    // The client shut down its side: Complete if any bytes came, else Empty.
    State endOfInput();
    [[nodiscard]] State state() const { return state_; }
    // The request without its newline; meaningful once Complete.
    [[nodiscard]] std::string_view line() const { return line_; }
    // Bytes after the newline (a second request qmemman does not allow), if any.
    [[nodiscard]] bool trailing() const { return trailing_; }

private:
    std::string line_;
    State state_ = State::NeedMore;
    bool trailing_ = false;
};

}  // namespace balloon::qmemman
