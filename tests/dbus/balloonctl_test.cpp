// balloonctl against balloond over a private real bus: what an admin types, what they read back,
// and the exit codes scripts rely on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "balloond_on_bus.h"

namespace balloon::dbustest {
namespace {

using ::testing::HasSubstr;

class Balloonctl : public BalloondOnBus {};

TEST_F(Balloonctl, ListShowsEveryDomainInMiBLikeXl) {
    const RunResult r = ctl({"list"});
    ASSERT_EQ(r.exitCode, 0) << r.both();
    EXPECT_THAT(r.out, HasSubstr("Name"));
    EXPECT_THAT(r.out, HasSubstr("Target"));
    for (const char* name : {"Domain-0", "web", "db", "frozen", "secret"}) {
        EXPECT_THAT(r.out, HasSubstr(name)) << r.out;
    }
    // web was built with 1 GiB: 1024 MiB target, like xl list's Mem column.
    EXPECT_THAT(r.out, ::testing::ContainsRegex("web +[0-9]+ +1024 ")) << r.out;
}

}  // namespace
}  // namespace balloon::dbustest
