// Memory quantities as distinct types: KiB (every Xenstore value) and Pages (what Xen counts).
// They never mix silently; the only bridge is the page size.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace balloon {

// An unsigned amount of some unit. Subtraction saturates at zero: a quantity of memory is never
// negative, and a wrapped unsigned difference is exactly the NetBSD balloon(4) overshoot bug.
// Use signedDelta() when the sign matters.
template <class Tag>
class Quantity {
public:
    using Rep = std::uint64_t;

    constexpr Quantity() = default;
    constexpr explicit Quantity(Rep count) : count_(count) {}

    [[nodiscard]] constexpr Rep count() const { return count_; }

    // clang-tidy 14 sees a literal 0 in the synthesized comparison.
    constexpr auto operator<=>(const Quantity&) const = default;  // NOLINT(modernize-use-nullptr)

    constexpr Quantity& operator+=(Quantity other) {
        count_ = other.count_ > kMax - count_ ? kMax : count_ + other.count_;
        return *this;
    }
    constexpr Quantity& operator-=(Quantity other) {
        count_ = other.count_ > count_ ? 0 : count_ - other.count_;
        return *this;
    }
    friend constexpr Quantity operator+(Quantity a, Quantity b) { return a += b; }
    friend constexpr Quantity operator-(Quantity a, Quantity b) { return a -= b; }

    // a - b with its sign, for deltas and deadbands.
    friend constexpr std::int64_t signedDelta(Quantity a, Quantity b) {
        return static_cast<std::int64_t>(a.count_) - static_cast<std::int64_t>(b.count_);
    }

private:
    static constexpr Rep kMax = std::numeric_limits<Rep>::max();
    Rep count_ = 0;
};

using KiB = Quantity<struct KiBTag>;
using Pages = Quantity<struct PagesTag>;

// x86 Xen pages are 4 KiB; the only conversion point between the two units.
inline constexpr std::uint64_t kPageSizeKiB = 4;

constexpr KiB toKiB(Pages pages) {
    return KiB{pages.count() * kPageSizeKiB};
}
// Whole pages within a KiB amount (rounds down: never claims memory that is not there).
constexpr Pages pagesFloor(KiB kib) {
    return Pages{kib.count() / kPageSizeKiB};
}
// Pages needed to hold a KiB amount (rounds up: never gives a domain less than asked).
constexpr Pages pagesCeil(KiB kib) {
    return Pages{(kib.count() + kPageSizeKiB - 1) / kPageSizeKiB};
}

constexpr KiB mib(std::uint64_t n) {
    return KiB{n * 1024};
}
constexpr KiB gib(std::uint64_t n) {
    return KiB{n * 1024 * 1024};
}

constexpr KiB min(KiB a, KiB b) {
    return a < b ? a : b;
}
constexpr KiB max(KiB a, KiB b) {
    return a < b ? b : a;
}
constexpr KiB clamp(KiB v, KiB lo, KiB hi) {
    return v < lo ? lo : (hi < v ? hi : v);
}

}  // namespace balloon
