#include "counting_xenstore.h"

namespace balloon::xen {
namespace {

// The node operations of one transaction, counted into the decorator's totals.
class CountingOps final : public XenStoreOps {
public:
    CountingOps(XenStoreOps& inner, XenStoreCounts& counts) : inner_(inner), counts_(counts) {}

    std::optional<std::string> read(std::string_view path) override {
        ++counts_.reads;
        return inner_.read(path);
    }
    void write(std::string_view path, std::string_view value) override {
        ++counts_.writes;
        inner_.write(path, value);
    }
    void remove(std::string_view path) override {
        ++counts_.writes;
        inner_.remove(path);
    }
    std::vector<std::string> directory(std::string_view path) override {
        ++counts_.reads;
        return inner_.directory(path);
    }
    void mkdir(std::string_view path) override {
        ++counts_.writes;
        inner_.mkdir(path);
    }
    void setPermissions(std::string_view path, std::span<const Permission> perms) override {
        ++counts_.writes;
        inner_.setPermissions(path, perms);
    }

private:
    XenStoreOps& inner_;
    XenStoreCounts& counts_;
};

}  // namespace

XenStoreCounts& XenStoreCounts::operator+=(const XenStoreCounts& other) {
    reads += other.reads;
    writes += other.writes;
    transactions += other.transactions;
    return *this;
}

XenStoreCounts operator-(XenStoreCounts a, const XenStoreCounts& b) {
    a.reads -= b.reads;
    a.writes -= b.writes;
    a.transactions -= b.transactions;
    return a;
}

std::optional<std::string> CountingXenStore::read(std::string_view path) {
    return CountingOps(inner_, counts_).read(path);
}

void CountingXenStore::write(std::string_view path, std::string_view value) {
    CountingOps(inner_, counts_).write(path, value);
}

void CountingXenStore::remove(std::string_view path) {
    CountingOps(inner_, counts_).remove(path);
}

std::vector<std::string> CountingXenStore::directory(std::string_view path) {
    return CountingOps(inner_, counts_).directory(path);
}

void CountingXenStore::mkdir(std::string_view path) {
    CountingOps(inner_, counts_).mkdir(path);
}

void CountingXenStore::setPermissions(std::string_view path, std::span<const Permission> perms) {
    CountingOps(inner_, counts_).setPermissions(path, perms);
}

void CountingXenStore::transact(const std::function<void(XenStoreOps&)>& body) {
    inner_.transact([&](XenStoreOps& txn) {
        ++counts_.transactions;
        CountingOps counted(txn, counts_);
        body(counted);
    });
}

void CountingXenStore::watch(std::string_view path, std::string_view token) {
    inner_.watch(path, token);
}

void CountingXenStore::unwatch(std::string_view path, std::string_view token) {
    inner_.unwatch(path, token);
}

int CountingXenStore::watchFd() const {
    return inner_.watchFd();
}

std::vector<WatchEvent> CountingXenStore::takeWatchEvents() {
    return inner_.takeWatchEvents();
}

std::string CountingXenStore::domainPath(DomId domid) {
    return inner_.domainPath(domid);
}

std::vector<std::optional<std::string>> CountingXenStore::readMany(
    std::span<const std::string> paths) {
    counts_.reads += paths.size();
    return inner_.readMany(paths);
}

void CountingXenStore::writeMany(std::span<const NodeWrite> writes) {
    counts_.writes += writes.size();
    inner_.writeMany(writes);
}

}  // namespace balloon::xen
