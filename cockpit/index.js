// balloond's Cockpit page: one D-Bus client for org.balloond.Balloon1 on the system bus, where
// balloond lives on a real host. The bridge runs the calls with the admin's privileges when
// Cockpit has administrative access ("superuser": "try"); otherwise balloond's own check decides
// (root, its admin group, or polkit) and a refusal is shown in its words.
/* global cockpit */
import { DomainsView } from "./domains.js";
import { expiry, failure, size } from "./format.js";

const NAME = "org.balloond.Balloon1";
const PATH = "/org/balloond/Balloon1";
// Reserve waits in balloond while it shrinks others; the call may take that long.
const RESERVE_TIMEOUT_MS = 10000;

const client = cockpit.dbus(NAME, { bus: "system", superuser: "try" });
const manager = client.proxy(`${NAME}.Manager`, PATH);
const domains = new DomainsView(client.proxies(`${NAME}.Domain`, PATH), act);
domains.manager = manager;

function show(id, text) {
    const box = document.getElementById(id);
    box.querySelector(".pf-c-alert__title").textContent = text;
    box.hidden = false;
}

for (const button of document.querySelectorAll("[data-dismiss]"))
    button.addEventListener("click", () => { button.parentElement.hidden = true });

// Runs one call; says what happened, or what balloond answered when it refused.
function act(what, call, done) {
    document.getElementById("action-error").hidden = true;
    document.getElementById("action-result").hidden = true;
    let pending;
    try {
        pending = Promise.resolve(call());
    } catch (ex) {
        pending = Promise.reject(ex);
    }
    return pending
            .then(reply => show("action-result", done ? done(reply) : `${what}: done`))
            .catch(ex => show("action-error", `${what}: ${failure(ex)}`));
}

function connection(text, ok) {
    const line = document.getElementById("connection");
    line.textContent = text;
    line.classList.toggle("problem", !ok);
}

// The host card, and the reservations whenever the reserved total moves.
function updateHost() {
    if (!manager.valid)
        return;
    const host = document.getElementById("host");
    const put = (field, text) => {
        host.querySelector(`[data-field="${field}"]`).textContent = text;
    };
    put("total", size(Number(manager.HostTotalKiB)));
    put("free", size(Number(manager.HostFreeKiB)));
    put("slush", size(Number(manager.SlushKiB)));
    put("reserved", size(Number(manager.ReservedKiB)));
    put("policy", manager.Policy);
    put("rebalances", String(manager.Rebalances));
}

// A table row of text cells (text, never markup: names come from guests' toolstacks).
function rowOf(texts) {
    const row = document.createElement("tr");
    for (const text of texts) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
    }
    return row;
}

// On every change of the reserved total, and after the page's own Reserve and Release (a
// transfer keeps the total).
let shownReserved = null;
function refreshReservations(always) {
    if (!manager.valid || (!always && shownReserved === manager.ReservedKiB))
        return;
    shownReserved = manager.ReservedKiB;
    manager.call("ListReservations", [])
            .then(([list]) => renderReservations(list))
            .catch(ex => show("action-error", `Listing the reservations: ${failure(ex)}`));
}

function renderReservations(list) {
    const body = document.querySelector("#reservations tbody");
    body.replaceChildren();
    for (const [id, kib, domid, , expires] of list) {
        const row = rowOf([id, size(Number(kib)), Number(domid) < 0 ? "-" : `dom${domid}`,
            expiry(Number(expires))]);
        const cell = document.createElement("td");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "pf-c-button pf-m-link pf-m-small";
        button.textContent = "Release";
        button.addEventListener("click", () => act(`Release reservation ${id}`,
            () => manager.call("ReleaseReservation", [id])).then(() => refreshReservations(true)));
        cell.append(button);
        row.append(cell);
        body.append(row);
    }
    if (list.length === 0) {
        const row = rowOf(["none"]);
        row.firstChild.colSpan = 5;
        row.firstChild.className = "hint";
        body.append(row);
    }
}

manager.addEventListener("changed", () => {
    updateHost();
    refreshReservations(false);
});

document.getElementById("policy-form").addEventListener("submit", ev => {
    ev.preventDefault();
    const policy = document.getElementById("policy-choice").value;
    act(`Switch the policy to ${policy}`, () => manager.call("SetPolicy", [policy]),
        () => `Policy ${policy} until balloond next reads its configuration`);
});

document.getElementById("reserve-form").addEventListener("submit", ev => {
    ev.preventDefault();
    const sizeText = document.getElementById("reserve-size").value.trim();
    const expiresAfter = Number(document.getElementById("reserve-expiry").value || 0);
    act(`Reserve ${sizeText}`,
        () => manager.call("Reserve", [sizeText, RESERVE_TIMEOUT_MS, expiresAfter],
                           { timeout: RESERVE_TIMEOUT_MS + 5000 }),
        ([id]) => `Reserved ${sizeText} as ${id}; it ends when released, after its expiry, or ` +
                  "when this Cockpit session ends")
            .then(() => refreshReservations(true));
});

document.getElementById("plan-button").addEventListener("click", () => {
    act("Dry run", () => manager.call("GetPlan", []), ([plan]) => {
        renderPlan(plan);
        const changes = plan.filter(p => p[4] !== "none").length;
        return `Dry run: a round now would change ${changes} of ${plan.length} targets ` +
               "(nothing written)";
    });
});

function renderPlan(plan) {
    const table = document.querySelector("#plan table");
    const body = table.querySelector("tbody");
    body.replaceChildren();
    for (const [id, name, target, planned, change, reason] of plan) {
        const row = rowOf([name || `dom${id}`, size(Number(target)), size(Number(planned)), change,
            reason]);
        row.dataset.change = change;
        body.append(row);
    }
    table.hidden = false;
}

// Whether balloond is there at all: its name has an owner on the system bus, or not.
client.addEventListener("owner", (ev, owner) => {
    if (owner === null)
        connection("balloond is not running on the system bus (systemctl status balloond)", false);
    else if (owner)
        connection(`Connected to balloond (${owner}); live from its signals`, true);
});
client.addEventListener("close", (ev, options) => {
    connection(`Lost the connection to the system bus: ${options.problem || "closed"}`, false);
});

manager.wait()
        .then(() => {
            if (!manager.valid)
                throw new Error(`balloond does not serve ${NAME}.Manager at ${PATH} ` +
                                "(is it running?)");
            connection("Connected to balloond; live from its signals", true);
            updateHost();
            refreshReservations(true);
            domains.addExisting();
        })
        .catch(ex => connection(`Cannot reach balloond: ${failure(ex)}. Once it runs ` +
                                "(systemctl start balloond), reload this page.", false));
