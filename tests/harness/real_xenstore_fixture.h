// gtest fixture for tests against the real xenstored: a private daemon per test, a privileged
// client connected to it, and xenstored's output printed when the test fails.
#pragma once

#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include "xenstore_client.h"
#include "xenstored_process.h"

namespace balloon::harness {

class RealXenstore : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    sandbox::XenstoredProcess& xenstored() { return *process_; }
    // The privileged (dom0) client every test starts with.
    xen::XenStoreClient& xs() { return *client_; }
    // Another privileged connection, e.g. the "other writer" in a conflict.
    std::unique_ptr<xen::XenStoreClient> connectAnother();

private:
    std::optional<sandbox::XenstoredProcess> process_;
    std::unique_ptr<xen::XenStoreClient> client_;
};

// The errno of the XenStoreError that `action` throws; 0 when it does not throw.
template <class Action>
int errnoOf(Action&& action) {
    try {
        action();
    } catch (const xen::XenStoreError& error) {
        return error.code().value();
    }
    return 0;
}

}  // namespace balloon::harness
