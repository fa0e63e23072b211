#include "live_table.h"

#include <vector>

#include "format.h"
#include "names.h"

namespace balloon::cli {

void LiveTable::refreshIfStale() {
    if (!stale_ || pending_ > 0) {
        return;
    }
    stale_ = false;
    pending_ = 2;
    // A signal handled before an answer is older than it and is overwritten by it; one after it
    // is newer and is applied to it.
    manager_.managerPropertiesAsync([this](sdbus::MethodReply& reply, const sdbus::Error* error) {
        --pending_;
        if (error != nullptr) {
            failed_ = *error;
            return;
        }
        std::map<std::string, sdbus::Variant> properties;
        reply >> properties;
        applyManagerProperties(properties, host_.emplace());
    });
    manager_.managedObjectsAsync([this](sdbus::MethodReply& reply, const sdbus::Error* error) {
        --pending_;
        if (error != nullptr) {
            failed_ = *error;
            return;
        }
        auto& domains = domains_.emplace();
        for (DomainView& d : readManagedObjects(reply)) {
            const DomId domid = d.id;
            domains.insert_or_assign(domid, std::move(d));
        }
    });
}

void LiveTable::apply(sdbus::Message& signal) {
    if (!domains_ || !host_) {
        return;  // older than the answers on their way
    }
    try {
        const std::string member = signal.getMemberName();
        if (member == "PropertiesChanged") {
            applyPropertiesChanged(signal);
        } else if (member == "InterfacesAdded") {
            sdbus::ObjectPath path;
            signal >> path;
            if (auto domain = readObject(signal)) {
                const DomId domid = domain->id;
                domains_->insert_or_assign(domid, std::move(*domain));
            }
        } else if (member == "InterfacesRemoved") {
            sdbus::ObjectPath path;
            signal >> path;
            if (const auto domid = dbus::domidOfObjectPath(path)) {
                domains_->erase(*domid);
            }
        }
    } catch (const sdbus::Error&) {
        stale_ = true;  // a signal this balloonctl cannot read: read everything again
    }
}

void LiveTable::applyPropertiesChanged(sdbus::Message& signal) {
    std::string interface;
    signal >> interface;
    if (interface == dbus::kManagerInterface) {
        std::map<std::string, sdbus::Variant> changed;
        signal >> changed;
        applyManagerProperties(changed, *host_);
    } else if (interface == dbus::kDomainInterface) {
        DomainView* domain = find(signal.getPath());
        if (domain == nullptr) {
            stale_ = true;  // a domain this table has not seen added
            return;
        }
        readDomainInto(signal, *domain);
    } else {
        return;
    }
    std::vector<std::string> invalidated;
    signal >> invalidated;
    stale_ = stale_ || !invalidated.empty();  // changed without its value: read it again
}

DomainView* LiveTable::find(const std::string& objectPath) {
    const auto domid = dbus::domidOfObjectPath(objectPath);
    if (!domid) {
        return nullptr;
    }
    const auto it = domains_->find(*domid);
    return it == domains_->end() ? nullptr : &it->second;
}

std::optional<std::string> LiveTable::view() const {
    if (failed_) {
        throw *failed_;
    }
    if (!domains_ || !host_) {
        return std::nullopt;
    }
    std::vector<DomainView> domains;
    domains.reserve(domains_->size());
    for (const auto& [domid, domain] : *domains_) {
        domains.push_back(domain);
    }
    return hostLine(*host_) + domainTable(domains);
}

}  // namespace balloon::cli
