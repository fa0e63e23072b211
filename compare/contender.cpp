#include "contender.h"

#include "policy/policy.h"
#include "qmemman_policy.h"
#include "squeezed_policy.h"

namespace balloon::compare {
namespace {

Contender coreContender(std::string name, PolicyConfig config, PolicyKind kind) {
    config.kind = kind;
    return {std::move(name),
            [config](const HostSnapshot& host) { return policy::decide(host, config); },
            config.slush,
            {},
            {}};
}

}  // namespace

Contender demandContender(const PolicyConfig& config) {
    return coreContender("demand", config, PolicyKind::Demand);
}

Contender proportionalContender(const PolicyConfig& config) {
    return coreContender("proportional", config, PolicyKind::Proportional);
}

Contender qmemmanContender() {
    const qmemman::Config config;
    return {"qmemman", [config](const HostSnapshot& host) { return planQmemman(host, config); },
            config.reserve, explainQmemman, StartRule{}};
}

Contender squeezedContender() {
    const squeezed::Config config;
    return {"squeezed",
            [config](const HostSnapshot& host) { return planSqueezed(host, config); },
            config.slush,
            {},
            {}};
}

Contender staticContender() {
    return {"static", {}, PolicyConfig{}.slush, {}, {}};
}

std::optional<Contender> contenderNamed(std::string_view name) {
    for (Contender& c : allContenders()) {
        if (c.name == name) {
            return std::move(c);
        }
    }
    return std::nullopt;
}

std::vector<Contender> allContenders() {
    return {demandContender(), proportionalContender(), qmemmanContender(), squeezedContender(),
            staticContender()};
}

}  // namespace balloon::compare
