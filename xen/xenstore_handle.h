// The libxenstore handle and the node operations shared by plain calls and transactions.
// Internal to the xen adapter library: nothing outside xen/ includes <xenstore.h>.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "xenstore_port.h"

extern "C" {
#include <xenstore.h>
}

namespace balloon::xen::detail {

// libxenstore needs NUL-terminated paths; a path with an embedded NUL would be silently cut, so
// it is refused (EINVAL) instead.
std::string checkedPath(std::string_view path, std::string_view operation);

// The operations of XenStoreOps over one handle and transaction (XBT_NULL outside one).
class NodeOps final : public XenStoreOps {
public:
    NodeOps(xs_handle* handle, xs_transaction_t txn) : handle_(handle), txn_(txn) {}

    std::optional<std::string> read(std::string_view path) override;
    void write(std::string_view path, std::string_view value) override;
    void remove(std::string_view path) override;
    std::vector<std::string> directory(std::string_view path) override;
    void mkdir(std::string_view path) override;
    void setPermissions(std::string_view path, std::span<const Permission> perms) override;

private:
    xs_handle* handle_;
    xs_transaction_t txn_;
};

}  // namespace balloon::xen::detail
