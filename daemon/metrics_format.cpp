#include "metrics_format.h"

#include <array>
#include <functional>

#include "convergence.h"

namespace balloon::daemon {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::array<Convergence, 5> kStates{Convergence::Balanced, Convergence::Converging,
                                             Convergence::Slow, Convergence::Stuck,
                                             Convergence::Uncooperative};

std::uint64_t bytes(KiB amount) {
    return amount.count() * 1024U;
}

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlongs, no surrogates, at
// most U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8Length(std::string_view s, std::size_t i) {
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char lead = at(0);
    std::size_t length = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        lo = lead == 0xE0 ? 0xA0 : 0x80;
        hi = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        lo = lead == 0xF0 ? 0x90 : 0x80;
        hi = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (i + length > s.size() || at(1) < lo || at(1) > hi) {
        return 0;
    }
    for (std::size_t k = 2; k < length; ++k) {
        if (at(k) < 0x80 || at(k) > 0xBF) {
            return 0;
        }
    }
    return length;
}

class Writer {
public:
    // HELP and TYPE once per family, before its samples.
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }
    void sample(std::string_view name, std::string_view labels, std::uint64_t value) {
        out_ += name;
        if (!labels.empty()) {
            out_ += '{';
            out_ += labels;
            out_ += '}';
        }
        out_ += ' ';
        out_ += std::to_string(value);
        out_ += '\n';
    }
    // One family with one sample per domain.
    void perDomain(const MetricsSnapshot& s, std::string_view name, std::string_view type,
                   std::string_view help,
                   const std::function<std::uint64_t(const DomainFigures&)>& value) {
        family(name, type, help);
        for (const DomainFigures& d : s.domains) {
            sample(name, domainLabels(d), value(d));
        }
    }
    static std::string domainLabels(const DomainFigures& d) {
        return "domid=\"" + std::to_string(d.domid) + "\",name=\"" + escapeLabelValue(d.name) +
               "\"";
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

void hostFamilies(Writer& w, const MetricsSnapshot& s) {
    w.family("balloond_host_memory_total_bytes", "gauge", "Physical memory of the host.");
    w.sample("balloond_host_memory_total_bytes", {}, bytes(s.hostTotal));
    w.family("balloond_host_memory_free_bytes", "gauge",
             "Memory Xen reports free (free and scrub pages, minus outstanding claims).");
    w.sample("balloond_host_memory_free_bytes", {}, bytes(s.hostFree));
    w.family("balloond_host_memory_slush_bytes", "gauge",
             "Free memory balloond keeps back and never plans away ([host] slush).");
    w.sample("balloond_host_memory_slush_bytes", {}, bytes(s.slush));
    w.family("balloond_host_memory_reserved_bytes", "gauge",
             "Memory held by reservations for domains being built (not yet allocated).");
    w.sample("balloond_host_memory_reserved_bytes", {}, bytes(s.reserved));
}

void domainFamilies(Writer& w, const MetricsSnapshot& s) {
    w.perDomain(s, "balloond_domain_target_bytes", "gauge",
                "The domain's balloon target (memory/target).",
                [](const DomainFigures& d) { return bytes(d.target); });
    w.perDomain(s, "balloond_domain_actual_bytes", "gauge",
                "Memory Xen has allocated to the domain (videoram included for HVM).",
                [](const DomainFigures& d) { return bytes(d.actual); });
    w.perDomain(s, "balloond_domain_min_bytes", "gauge",
                "The floor balloond never targets the domain below.",
                [](const DomainFigures& d) { return bytes(d.min); });
    w.perDomain(s, "balloond_domain_max_bytes", "gauge",
                "The ceiling balloond never targets the domain above.",
                [](const DomainFigures& d) { return bytes(d.max); });
    w.perDomain(s, "balloond_domain_pinned", "gauge",
                "1 when an administrator pinned the target (balloond leaves it alone).",
                [](const DomainFigures& d) { return d.pinned ? 1U : 0U; });
    w.perDomain(s, "balloond_domain_report_rejects_total", "counter",
                "Guest memory reports balloond refused as malformed or out of bounds.",
                [](const DomainFigures& d) { return d.reportRejects; });
    // An enum as one series per value, 1 for the current one: sum() and alerts stay simple.
    w.family("balloond_domain_state", "gauge",
             "1 for the domain's convergence state: balanced, converging, slow, stuck or "
             "uncooperative.");
    for (const DomainFigures& d : s.domains) {
        const std::string labels = Writer::domainLabels(d);
        for (Convergence state : kStates) {
            w.sample("balloond_domain_state",
                     labels + ",state=\"" + std::string(convergenceName(state)) + "\"",
                     state == d.state ? 1U : 0U);
        }
    }
}

void counterFamilies(Writer& w, const MetricsSnapshot& s) {
    w.family("balloond_rounds_total", "counter", "Balancing rounds run.");
    w.sample("balloond_rounds_total", {}, s.rounds);
    w.family("balloond_rebalances_total", "counter", "Rounds that wrote at least one target.");
    w.sample("balloond_rebalances_total", {}, s.rebalances);
    w.family("balloond_target_writes_total", "counter", "Domain targets written.");
    w.sample("balloond_target_writes_total", {}, s.targetWrites);
    w.family("balloond_reclaimed_bytes_total", "counter",
             "Memory asked back from domains: the sum of the target decreases balloond wrote.");
    w.sample("balloond_reclaimed_bytes_total", {}, bytes(s.reclaimed));
    w.family("balloond_errors_total", "counter",
             "Errors by kind: actuation (a target or maxmem write failed), hypervisor (a round "
             "lost its hypervisor call), metrics_write (this file could not be written).");
    for (const auto& [kind, count] : s.errors) {
        w.sample("balloond_errors_total", "kind=\"" + escapeLabelValue(kind) + "\"", count);
    }
}

}  // namespace

std::string escapeLabelValue(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size();) {
        const char c = value[i];
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) {
            const std::size_t length = utf8Length(value, i);
            if (length == 0) {
                out += kReplacement;
                ++i;
            } else {
                out.append(value.substr(i, length));
                i += length;
            }
            continue;
        }
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else if (u < 0x20 || u == 0x7F) {
            out += kReplacement;
        } else {
            out += c;
        }
        ++i;
    }
    return out;
}

std::string formatMetrics(const MetricsSnapshot& snapshot) {
    Writer w;
    hostFamilies(w, snapshot);
    domainFamilies(w, snapshot);
    counterFamilies(w, snapshot);
    return w.take();
}

}  // namespace balloon::daemon
