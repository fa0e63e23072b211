// A decorator of the Xenstore port that counts the requests passing through it, for the per-round
// breakdown (daemon/round_timing.h): reads (read, directory) and writes (write, remove, mkdir,
// setPermissions), inside transactions too, and the transactions themselves. It forwards every
// call to the port it wraps (in balloond, the real client) and changes nothing else.
#pragma once

#include <cstdint>

#include "xenstore_port.h"

namespace balloon::xen {

struct XenStoreCounts {
    std::uint64_t reads = 0;   // read, directory
    std::uint64_t writes = 0;  // write, remove, mkdir, setPermissions
    std::uint64_t transactions = 0;

    XenStoreCounts& operator+=(const XenStoreCounts& other);
    friend XenStoreCounts operator-(XenStoreCounts a, const XenStoreCounts& b);
};

class CountingXenStore final : public XenStore {
public:
    // `inner` outlives this.
    explicit CountingXenStore(XenStore& inner) : inner_(inner) {}

    [[nodiscard]] const XenStoreCounts& counts() const { return counts_; }

    std::optional<std::string> read(std::string_view path) override;
    void write(std::string_view path, std::string_view value) override;
    void remove(std::string_view path) override;
    std::vector<std::string> directory(std::string_view path) override;
    void mkdir(std::string_view path) override;
    void setPermissions(std::string_view path, std::span<const Permission> perms) override;

    // A body run again after EAGAIN counts again: its requests reached xenstored twice.
    void transact(const std::function<void(XenStoreOps&)>& body) override;
    void watch(std::string_view path, std::string_view token) override;
    void unwatch(std::string_view path, std::string_view token) override;
    [[nodiscard]] int watchFd() const override;
    std::vector<WatchEvent> takeWatchEvents() override;
    std::string domainPath(DomId domid) override;
    std::vector<std::optional<std::string>> readMany(std::span<const std::string> paths) override;
    void writeMany(std::span<const NodeWrite> writes) override;

private:
    XenStore& inner_;
    XenStoreCounts counts_;
};

}  // namespace balloon::xen
