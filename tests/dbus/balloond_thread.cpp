#include "balloond_thread.h"

#include <chrono>
#include <sstream>
#include <stdexcept>

#include <sys/eventfd.h>
#include <unistd.h>

#include "dbus_service.h"
#include "policy/explain.h"
#include "scenario.h"
#include "xenstore_client.h"

namespace balloon::dbustest {
namespace {

// Real time per simulation step: guests move between rounds the way they would on a host.
constexpr std::chrono::milliseconds kSimStep{50};

}  // namespace

BalloondThread::BalloondThread(BalloondSetup setup) {
    wakeFd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    // Shared: the thread may still set it after a start-up timeout made us give up.
    auto started = std::make_shared<std::promise<void>>();
    auto ready = started->get_future();
    thread_ = std::thread(
        [this, s = std::move(setup), started]() mutable { main(std::move(s), *started); });
    if (ready.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
        throw std::runtime_error("balloond did not start within 20 s");
    }
    try {
        ready.get();
    } catch (...) {
        thread_.join();
        close(wakeFd_);
        throw;
    }
}

BalloondThread::~BalloondThread() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    const std::uint64_t one = 1;
    (void)!write(wakeFd_, &one, sizeof one);
    if (thread_.joinable()) {
        thread_.join();
    }
    close(wakeFd_);
}

void BalloondThread::post(const std::function<void(World&)>& task) {
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    {
        std::lock_guard lock(mutex_);
        tasks_.emplace_back(task, done);
    }
    const std::uint64_t one = 1;
    (void)!write(wakeFd_, &one, sizeof one);
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        throw std::runtime_error("balloond's loop did not run a posted task within 10 s");
    }
    future.get();
}

void BalloondThread::runTasks(World& world) {
    std::uint64_t count = 0;
    (void)!read(wakeFd_, &count, sizeof count);
    decltype(tasks_) tasks;
    bool stop = false;
    {
        std::lock_guard lock(mutex_);
        tasks.swap(tasks_);
        stop = stopping_;
    }
    for (auto& [task, done] : tasks) {
        try {
            task(world);
            done->set_value();
        } catch (...) {
            done->set_exception(std::current_exception());
        }
    }
    if (stop) {
        world.loop.stop();
    }
}

void BalloondThread::main(BalloondSetup setup, std::promise<void>& started) {
    std::unique_ptr<xen::XenStoreClient> simXs;
    std::unique_ptr<xen::XenStoreClient> daemonXs;
    std::unique_ptr<sim::Simulation> simulation;
    std::unique_ptr<daemon::EventLoop> loop;
    std::unique_ptr<daemon::Daemon> service;
    std::unique_ptr<daemon::BusService> bus;
    try {
        simXs = xen::XenStoreClient::open();
        daemonXs = xen::XenStoreClient::open();
        simulation = std::make_unique<sim::Simulation>(
            sim::parseScenario(setup.scenario, "<dbus test>"), *simXs, setup.introducer);
        loop = std::make_unique<daemon::EventLoop>();
        const Config config = setup.config;
        // A reload (SIGHUP) gets the same configuration again: a copy each time.
        service = std::make_unique<daemon::Daemon>(*loop, *daemonXs, simulation->host(), config,
                                                   [config] {
                                                       Config copy = config;
                                                       return copy;
                                                   });
        service->start();
        bus = std::make_unique<daemon::BusService>(
            *service, daemon::BusOptions{setup.busAddress, setup.adminGroup});
    } catch (...) {
        started.set_exception(std::current_exception());
        return;
    }
    World world{*loop, *service, *simulation};
    loop->watchFd(wakeFd_, [&] { runTasks(world); });
    loop->addTimer(kSimStep, kSimStep, [&] { simulation->step(kSimStep); });
    started.set_value();
    try {
        loop->run();
    } catch (const std::exception& e) {
        // The test sees the daemon vanish from the bus; say why on its output.
        fprintf(stderr, "balloond's loop failed: %s\n", e.what());
    }
    bus.reset();
}

std::string BalloondThread::describeDomains() {
    std::ostringstream out;
    post([&](World& world) {
        daemon::Balancer& balancer = world.daemon.balancer();
        const Plan* plan = balancer.lastPlan();
        for (const auto& [domid, record] : balancer.registry().records()) {
            out << "dom" << domid << ": target " << record.target.count() << " KiB, actual "
                << record.actual.count() << " KiB, " << convergenceName(record.convergence.state())
                << (record.pinned ? ", pinned" : "") << ", report seq "
                << (record.report ? record.report->sequence : 0) << ", reads " << record.reportReads
                << ", rejects " << record.reportRejects
                << (record.reportPending ? ", pending" : "");
            if (const DomainPlan* p = plan ? plan->find(domid) : nullptr) {
                out << "; plan " << p->target.count() << " KiB: " << policy::explain(*p);
            }
            out << "\n";
        }
    });
    return out.str();
}

}  // namespace balloon::dbustest
