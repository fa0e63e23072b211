// XenStoreError: the one exception every Xenstore failure becomes, so callers can read errno
// (to tell "permission denied" from "connection lost") and the path without parsing text.
#include <string>

#include "xenstore_port.h"

namespace balloon::xen {

namespace {

std::string describe(std::string_view operation, std::string_view path) {
    std::string text{operation};
    if (!path.empty()) {
        text += " '";
        text += path;
        text += '\'';
    }
    return text;
}

}  // namespace

XenStoreError::XenStoreError(int err, std::string_view operation, std::string_view path)
    : std::system_error(err, std::generic_category(), describe(operation, path)), path_(path) {}

}  // namespace balloon::xen
