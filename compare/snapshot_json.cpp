#include "snapshot_json.h"

#include <set>

#include "policy/explain.h"

namespace balloon::compare {
namespace {

constexpr std::size_t kMaxDomains = 10000;

// Reads the keys of one JSON object, and at the end rejects any it did not read.
class Fields {
public:
    Fields(const Json& object, std::string where) : object_(object), where_(std::move(where)) {
        if (!object_.is_object()) {
            fail(where_ + " should be a JSON object");
        }
    }

    [[nodiscard]] bool has(const char* key) const { return object_.contains(key); }

    const Json& get(const char* key) {
        if (!object_.contains(key)) {
            fail(where_ + ": \"" + key + "\" is missing");
        }
        read_.insert(key);
        return object_.at(key);
    }

    std::uint64_t count(const char* key) {
        const Json& v = get(key);
        if (!v.is_number_unsigned()) {
            fail(where_ + ": \"" + key + "\" should be a whole number >= 0");
        }
        return v.get<std::uint64_t>();
    }

    KiB kib(const char* key) { return KiB{count(key)}; }

    std::optional<KiB> optionalKib(const char* key) {
        return has(key) ? std::optional<KiB>{kib(key)} : std::nullopt;
    }

    bool flag(const char* key) {
        if (!has(key)) {
            return false;
        }
        const Json& v = get(key);
        if (!v.is_boolean()) {
            fail(where_ + ": \"" + key + "\" should be true or false");
        }
        return v.get<bool>();
    }

    std::string text(const char* key, std::string fallback = {}) {
        if (!has(key)) {
            return fallback;
        }
        const Json& v = get(key);
        if (!v.is_string()) {
            fail(where_ + ": \"" + key + "\" should be a string");
        }
        return v.get<std::string>();
    }

    template <class Enum, std::size_t N>
    Enum named(const char* key, const EnumNames<Enum, N>& names, Enum fallback) {
        if (!has(key)) {
            return fallback;
        }
        const auto value = valueOf(names, text(key));
        if (!value) {
            fail(where_ + ": \"" + key + "\" should be " + listNames(names));
        }
        return *value;
    }

    void done() const {
        for (const auto& [key, value] : object_.items()) {
            if (!read_.contains(key)) {
                fail(where_ + ": unknown key \"" + key + "\" (docs/policy.md lists the keys)");
            }
        }
    }

    [[noreturn]] static void fail(const std::string& message) { throw SnapshotError(message); }

private:
    const Json& object_;
    std::string where_;
    std::set<std::string, std::less<>> read_;
};

GuestReport parseReport(const Json& object, const std::string& where) {
    Fields f(object, where + " report");
    GuestReport r;
    r.source = f.named("source", kReportSourceNames, ReportSource::Balloond);
    r.used = f.kib("used_kib");
    r.total = f.has("total_kib") ? f.kib("total_kib") : KiB{};
    r.available = f.optionalKib("available_kib");
    r.free = f.optionalKib("free_kib");
    r.caches = f.optionalKib("caches_kib");
    r.swapUsed = f.optionalKib("swap_used_kib");
    if (f.has("psi_some_avg10")) {
        r.psiSomeAvg10 =
            static_cast<std::uint32_t>(std::min<std::uint64_t>(f.count("psi_some_avg10"), 10000));
    }
    f.done();
    return r;
}

DomainSnapshot parseDomain(const Json& object, std::size_t index) {
    const std::string where = "domains[" + std::to_string(index) + "]";
    Fields f(object, where);
    DomainSnapshot d;
    const std::uint64_t domid = f.count("domid");
    if (domid >= kFirstReservedDomId) {
        Fields::fail(where + ": \"domid\" should be below 32752");
    }
    d.domid = static_cast<DomId>(domid);
    const std::string label = "domain " + std::to_string(domid);
    d.name = f.text("name");
    d.type = f.named("type", kDomainTypeNames, DomainType::Pv);
    d.staticMax = f.kib("static_max_kib");
    d.actual = f.kib("actual_kib");
    d.target = f.kib("target_kib");
    d.videoram = f.has("videoram_kib") ? f.kib("videoram_kib") : KiB{};
    d.min = f.optionalKib("min_kib");
    d.max = f.optionalKib("max_kib");
    d.recentPeak = f.optionalKib("recent_peak_kib");
    d.growLimit = f.optionalKib("grow_limit_kib");
    // Populate-on-demand: entries the cache cannot back (balloonctl list --json's figures).
    const KiB podEntries = f.optionalKib("pod_entries_kib").value_or(KiB{});
    const KiB podCache = f.optionalKib("pod_cache_kib").value_or(KiB{});
    if (podEntries > podCache) {
        d.podDeficit = podEntries - podCache;
    }
    if (f.has("weight")) {
        d.weight = static_cast<std::uint32_t>(std::min<std::uint64_t>(f.count("weight"), 10000));
    }
    d.pinned = f.flag("pinned");
    d.excluded = f.flag("excluded");
    d.convergence = f.named("convergence", kConvergenceNames, Convergence::Balanced);
    if (f.has("report")) {
        d.report = parseReport(f.get("report"), label);
    }
    d.reportStale = f.flag("report_stale");
    d.awaitingReport = f.flag("awaiting_report");
    f.done();
    return d;
}

}  // namespace

HostSnapshot parseSnapshot(std::string_view text) {
    const Json doc = Json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) {
        Fields::fail("the snapshot is not valid JSON");
    }
    Fields top(doc, "the snapshot");
    HostSnapshot host;
    Fields h(top.get("host"), "host");
    host.total = h.kib("total_kib");
    host.free = h.kib("free_kib");
    h.done();
    if (top.has("reservations")) {
        const Json& list = top.get("reservations");
        if (!list.is_array()) {
            Fields::fail("\"reservations\" should be a list");
        }
        for (std::size_t i = 0; i < list.size(); ++i) {
            Fields r(list[i], "reservations[" + std::to_string(i) + "]");
            host.reservations.push_back({r.text("id", "r" + std::to_string(i)), r.kib("kib"), {}});
            r.done();
        }
    }
    const Json& domains = top.get("domains");
    if (!domains.is_array() || domains.size() > kMaxDomains) {
        Fields::fail("\"domains\" should be a list of at most 10000 domains");
    }
    std::set<DomId> seen;
    for (std::size_t i = 0; i < domains.size(); ++i) {
        DomainSnapshot d = parseDomain(domains[i], i);
        if (!seen.insert(d.domid).second) {
            Fields::fail("domain " + std::to_string(d.domid) + " is listed twice");
        }
        host.domains.push_back(std::move(d));
    }
    top.done();
    host.now = TimePoint{} + std::chrono::hours(24);
    return host;
}

Json planJson(const HostSnapshot& host, const Contender& contender) {
    Json out;
    out["policy"] = contender.name;
    Json domains = Json::array();
    if (!contender.plan) {
        for (const DomainSnapshot& d : host.domains) {
            domains.push_back({{"domid", d.domid},
                               {"name", d.name},
                               {"old_target_kib", d.target.count()},
                               {"target_kib", d.target.count()},
                               {"change", "none"},
                               {"reason", "static split: targets never change"}});
        }
        out["domains"] = std::move(domains);
        return out;
    }
    const Plan plan = contender.plan(host);
    out["usable_kib"] = plan.usable.count();
    out["slush_kib"] = plan.slush.count();
    out["reserved_kib"] = plan.reserved.count();
    out["committed_kib"] = plan.committed.count();
    for (const DomainPlan& p : plan.domains) {
        std::string name;
        for (const DomainSnapshot& d : host.domains) {
            if (d.domid == p.domid) {
                name = d.name;
            }
        }
        domains.push_back(
            {{"domid", p.domid},
             {"name", name},
             {"old_target_kib", p.oldTarget.count()},
             {"target_kib", p.target.count()},
             {"change", nameOf(kChangeNames, p.change)},
             {"reason", contender.explain ? contender.explain(p) : policy::explain(p)}});
    }
    out["domains"] = std::move(domains);
    return out;
}

}  // namespace balloon::compare
