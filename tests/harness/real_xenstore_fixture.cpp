// The fixture's only global effect is XENSTORED_PATH in this test process (gtest runs one test at
// a time per process; meson runs processes in parallel, each with its own daemon).
#include "real_xenstore_fixture.h"

#include <iostream>

namespace balloon::harness {

void RealXenstore::SetUp() {
    process_.emplace();
    process_->exportToThisProcess();
    client_ = xen::XenStoreClient::open();
}

void RealXenstore::TearDown() {
    client_.reset();
    if (process_ && HasFailure()) {
        std::cerr << "xenstored run dir " << process_->runDir().string() << '\n'
                  << process_->diagnostics();
    }
    process_.reset();
}

std::unique_ptr<xen::XenStoreClient> RealXenstore::connectAnother() {
    return xen::XenStoreClient::open();
}

}  // namespace balloon::harness
