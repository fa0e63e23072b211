#include "background_reads.h"

#include <cerrno>
#include <cstdint>
#include <system_error>
#include <utility>

#include <sys/eventfd.h>
#include <unistd.h>

namespace balloon::daemon {

BackgroundReads::BackgroundReads(xen::XenStore& xs)
    : xs_(xs), done_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!done_.valid()) {
        throw std::system_error(errno, std::generic_category(), "eventfd for report reads");
    }
}

BackgroundReads::~BackgroundReads() {
    if (worker_.joinable()) {
        worker_.join();
    }
}

void BackgroundReads::start(std::vector<std::string> paths) {
    paths_ = std::move(paths);
    values_.clear();
    error_ = nullptr;
    // The worker touches paths_, values_ and error_ only; take() joins it before reading them.
    worker_ = std::jthread([this] {
        try {
            values_ = xs_.readMany(paths_);
        } catch (...) {
            error_ = std::current_exception();
        }
        const std::uint64_t one = 1;
        // An eventfd write fails only on counter overflow, which one batch at a time never nears.
        [[maybe_unused]] const ssize_t written = ::write(done_.get(), &one, sizeof one);
    });
}

std::vector<std::optional<std::string>> BackgroundReads::take() {
    worker_.join();
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t drained = ::read(done_.get(), &count, sizeof count);
    if (error_) {
        std::rethrow_exception(std::exchange(error_, nullptr));
    }
    return std::exchange(values_, {});
}

}  // namespace balloon::daemon
