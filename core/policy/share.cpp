// Weighted max-min fair division (Waldspurger's shares): when claims exceed the budget, every
// claimant gets the same amount per share, except those who asked for less, who get all of it.
#include <algorithm>
#include <limits>
#include <utility>

#include "planning.h"

namespace balloon::policy {
namespace {

// KiB * weight overflows 64 bits on absurd inputs; the products are exact in 128.
__extension__ using Wide = unsigned __int128;

// Weights above this are clamped so a single guest's setting cannot starve the arithmetic.
constexpr std::uint32_t kMaxWeight = 1'000'000;

Wide weightOf(const Claim& c) {
    return std::max<std::uint32_t>(c.weight, 1);
}

// a * b / c, exact; 64-bit division when the product fits (the common case: 128-bit division is
// a library call an order of magnitude slower).
std::uint64_t mulDiv(Wide a, Wide b, Wide c) {
    const Wide product = a * b;
    constexpr Wide kMax64 = std::numeric_limits<std::uint64_t>::max();
    if (product <= kMax64 && c <= kMax64) {
        return static_cast<std::uint64_t>(product) / static_cast<std::uint64_t>(c);
    }
    return static_cast<std::uint64_t>(product / c);
}

// Indices of the non-empty claims, smallest per share first (ties by index: deterministic).
std::vector<std::size_t> smallestPerShareFirst(std::span<const Claim> claims) {
    std::vector<std::pair<double, std::size_t>> order;
    order.reserve(claims.size());
    for (std::size_t i = 0; i < claims.size(); ++i) {
        if (claims[i].amount.count() != 0) {
            order.emplace_back(static_cast<double>(claims[i].amount.count()) /
                                   static_cast<double>(weightOf(claims[i])),
                               i);
        }
    }
    std::sort(order.begin(), order.end());
    std::vector<std::size_t> out(order.size());
    std::transform(order.begin(), order.end(), out.begin(),
                   [](const auto& entry) { return entry.second; });
    return out;
}

}  // namespace

std::uint32_t effectiveWeight(const DomainSnapshot& dom) {
    return std::clamp<std::uint32_t>(dom.weight, 1, kMaxWeight);
}

std::vector<KiB> shareByWeight(std::span<const Claim> claims, KiB budget) {
    std::vector<KiB> grants(claims.size());
    Wide asked = 0;
    for (const auto& c : claims) {
        asked += c.amount.count();
    }
    if (asked <= budget.count()) {
        std::transform(claims.begin(), claims.end(), grants.begin(),
                       [](const Claim& c) { return c.amount; });
        return grants;
    }

    // Smallest claim per share first: those are satisfied in full while the level rises. The
    // order only needs to be close: the exact test below decides, and no grant exceeds its claim.
    // Empty claims (common: most domains have nothing in the tier being cut) are left out.
    const std::vector<std::size_t> order = smallestPerShareFirst(claims);
    Wide shares = 0;
    for (const std::size_t i : order) {
        shares += weightOf(claims[i]);
    }
    Wide left = budget.count();
    std::size_t i = 0;
    for (; i < order.size(); ++i) {
        const Claim& c = claims[order[i]];
        // Satisfied in full when its claim is within its share of what is left.
        if (Wide{c.amount.count()} * shares > left * weightOf(c)) {
            break;
        }
        grants[order[i]] = c.amount;
        left -= c.amount.count();
        shares -= weightOf(c);
    }
    // Everyone else gets the same per share; rounding down keeps the sum within the budget.
    for (std::size_t j = i; j < order.size(); ++j) {
        const Claim& c = claims[order[j]];
        const KiB share{mulDiv(left, weightOf(c), shares)};
        grants[order[j]] = min(share, c.amount);
    }
    return grants;
}

std::vector<KiB> triage(std::span<const Claim> claims, KiB budget) {
    std::vector<KiB> grants(claims.size());
    std::vector<Claim> rest(claims.size());  // what did not fit, shared at the end
    KiB left = budget;
    for (const std::size_t i : smallestPerShareFirst(claims)) {
        if (claims[i].amount <= left) {
            grants[i] = claims[i].amount;
            left -= claims[i].amount;
        } else {
            rest[i] = claims[i];
        }
    }
    const std::vector<KiB> shared = shareByWeight(rest, left);
    for (std::size_t i = 0; i < claims.size(); ++i) {
        grants[i] += shared[i];
    }
    return grants;
}

std::vector<KiB> equalShortfall(std::span<const Claim> claims, KiB budget) {
    std::vector<KiB> grants(claims.size());
    KiB asked;
    std::uint64_t largest = 0;
    for (const auto& c : claims) {
        asked += c.amount;
        largest = std::max(largest, c.amount.count());
    }
    // The cut: the least amount that, taken off every claim (all of a smaller one), leaves what
    // fits the budget. Zero when everything fits.
    std::uint64_t lo = 0;
    std::uint64_t hi = asked <= budget ? 0 : largest;
    while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        KiB granted;
        for (const auto& c : claims) {
            granted += c.amount - KiB{mid};
        }
        if (granted <= budget) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    std::transform(claims.begin(), claims.end(), grants.begin(),
                   [&](const Claim& c) { return c.amount - KiB{lo}; });
    return grants;
}

}  // namespace balloon::policy
