#include "balloond_fixture.h"

namespace balloon::testing {

void BalloondOnSimulatedHost::start(const std::string& scenario, Config config) {
    balloond_ = std::make_unique<SimulatedBalloond>(xenstored(), xs(), scenario, std::move(config));
}

void BalloondOnSimulatedHost::TearDown() {
    balloond_.reset();
    RealXenstore::TearDown();
}

}  // namespace balloon::testing
