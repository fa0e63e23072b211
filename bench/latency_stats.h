// Percentiles of a set of measured durations, as the benchmarks print them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace balloon::bench {

struct Percentiles {
    std::size_t count = 0;
    double p50 = 0;
    double p99 = 0;
    double max = 0;
};

// Nearest-rank percentiles (no interpolation: every figure is a measured sample).
inline Percentiles percentiles(std::vector<double> samples) {
    Percentiles p;
    p.count = samples.size();
    if (samples.empty()) {
        return p;
    }
    std::sort(samples.begin(), samples.end());
    const auto rank = [&](double q) {
        const auto n = static_cast<double>(samples.size());
        const auto index = static_cast<std::size_t>(std::ceil(q * n)) - 1;
        return samples[std::min(index, samples.size() - 1)];
    };
    p.p50 = rank(0.50);
    p.p99 = rank(0.99);
    p.max = samples.back();
    return p;
}

}  // namespace balloon::bench
