// The domains table and their charts, kept live from the ObjectManager's InterfacesAdded and
// InterfacesRemoved and each object's PropertiesChanged (cockpit's proxies follow those signals;
// nothing here polls the bus). Rows are updated in place so that what an admin is typing stays.
import { History, drawChart, legend } from "./chart.js";
import { size } from "./format.js";

const FIELDS = ["name", "id", "demand", "target", "actual", "min", "max", "state", "mode",
    "reason"];
// The charts' time axis moves on between changes; a local redraw, not a bus read.
const REDRAW_MS = 5000;

// What the guest last reported using (LastReport's used KiB): the figure the demand policy
// starts from. null when the guest reports nothing.
function demandOf(d) {
    const report = d.LastReport;
    if (!report || !report[0])
        return null;
    return Number(report[2]);
}

function modeOf(d) {
    if (d.Excluded)
        return "excluded";
    return d.Pinned ? "pinned" : "auto";
}

// What balloond's methods take as DOMAIN: the name, or the domid when there is none.
export function domainArg(d) {
    return d.Name || String(d.Id);
}

export class DomainsView {
    constructor(proxies, act) {
        this.proxies = proxies;
        this.act = act;  // act(label, promiseFactory, onDone): runs a call and reports its outcome
        this.body = document.querySelector("#domains tbody");
        this.charts = document.getElementById("charts");
        this.rows = new Map();  // object path -> { proxy, row, card, svg, history }
        this.redrawPending = false;
        proxies.addEventListener("added", (ev, proxy) => this.add(proxy));
        proxies.addEventListener("changed", (ev, proxy) => this.update(proxy));
        proxies.addEventListener("removed", (ev, proxy) => this.remove(proxy));
        window.setInterval(() => this.redrawAll(), REDRAW_MS);
    }

    // Objects the page found before it listened.
    addExisting() {
        for (const path of Object.keys(this.proxies).filter(p => p.startsWith("/")))
            this.add(this.proxies[path]);
    }

    add(proxy) {
        if (this.rows.has(proxy.path)) {
            this.update(proxy);
            return;
        }
        const entry = { proxy, history: new History(), ...this.build(proxy) };
        this.rows.set(proxy.path, entry);
        const byId = [...this.rows.values()].sort((a, b) => a.proxy.Id - b.proxy.Id);
        const next = byId[byId.indexOf(entry) + 1];
        this.body.insertBefore(entry.row, next ? next.row : null);
        this.charts.insertBefore(entry.card, next ? next.card : null);
        this.update(proxy);
    }

    remove(proxy) {
        const entry = this.rows.get(proxy.path);
        if (!entry)
            return;
        entry.row.remove();
        entry.card.remove();
        this.rows.delete(proxy.path);
    }

    build(proxy) {
        const row = document.createElement("tr");
        for (const field of FIELDS) {
            const cell = document.createElement("td");
            cell.dataset.field = field;
            row.append(cell);
        }
        const change = document.createElement("td");
        change.className = "actions";
        const input = document.createElement("input");
        input.className = "pf-c-form-control size";
        input.placeholder = "512M";
        input.setAttribute("aria-label", "size");
        const button = (label, action, onClick) => {
            const b = document.createElement("button");
            b.type = "button";
            b.className = "pf-c-button pf-m-secondary pf-m-small";
            b.dataset.action = action;
            b.textContent = label;
            b.addEventListener("click", onClick);
            return b;
        };
        // The size goes to balloond as typed: it parses it as balloonctl does, and refuses in
        // its own words.
        const call = (method, ...args) => this.manager.call(method, [domainArg(proxy), ...args]);
        const setTarget = () => {
            const who = domainArg(proxy);
            this.act(`Set the target of ${who} to ${input.value}`,
                     () => call("SetTarget", input.value.trim()),
                     ([kib]) => `${who}: target ${size(Number(kib))}, pinned there`);
        };
        const setMax = () => {
            const who = domainArg(proxy);
            this.act(`Set the max of ${who} to ${input.value}`,
                     () => call("SetMax", input.value.trim()),
                     ([kib]) => `${who}: max ${size(Number(kib))}`);
        };
        const pinOrRelease = () => {
            const who = domainArg(proxy);
            if (proxy.Pinned)
                this.act(`Hand ${who} back to the policy`, () => call("Release"),
                         () => `${who}: back with the policy`);
            else
                this.act(`Pin ${who}`, () => call("Pin"), () => `${who}: pinned at its target`);
        };
        change.append(input, button("Set target", "set-target", setTarget),
                      button("Set max", "set-max", setMax), button("Pin", "pin", pinOrRelease));
        row.append(change);

        const card = document.createElement("article");
        card.className = "pf-c-card chart";
        const title = document.createElement("h3");
        title.className = "pf-c-card__title";
        const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        svg.setAttribute("role", "img");
        card.append(title, svg, legend());
        return { row, card, svg, title };
    }

    update(proxy) {
        const entry = this.rows.get(proxy.path);
        if (!entry)
            return;
        const d = proxy;
        const figures = {
            demand: demandOf(d),
            target: Number(d.TargetKiB),
            actual: Number(d.ActualKiB),
        };
        const values = {
            name: d.Name || `dom${d.Id}`,
            id: String(d.Id),
            demand: size(figures.demand),
            target: size(figures.target),
            actual: size(figures.actual),
            min: size(Number(d.MinKiB)),
            max: size(Number(d.MaxKiB)),
            state: d.State,
            mode: modeOf(d),
            reason: d.Reason || "-",
        };
        entry.row.dataset.domain = values.name;
        entry.card.dataset.domain = values.name;
        for (const field of FIELDS) {
            const cell = entry.row.querySelector(`td[data-field="${field}"]`);
            if (cell.textContent !== values[field])
                cell.textContent = values[field];
        }
        // Exact figures for anyone who reads the page by machine (the browser test does).
        for (const key of ["target", "actual", "demand"]) {
            const cell = entry.row.querySelector(`td[data-field="${key}"]`);
            cell.dataset.kib = figures[key] === null ? "" : String(figures[key]);
        }
        entry.row.querySelector('td[data-field="max"]').dataset.kib = String(Number(d.MaxKiB));
        entry.row.dataset.state = d.State;
        entry.row.querySelector('[data-action="pin"]').textContent = d.Pinned ? "Hand back" : "Pin";
        for (const control of entry.row.querySelectorAll("button, input"))
            control.disabled = Boolean(d.Excluded);
        entry.title.textContent = `${values.name} (dom${d.Id})`;
        entry.history.add(Date.now(), figures);
        this.scheduleRedraw();
    }

    // Every chart shares the time axis: one redraw of all per frame in which anything changed.
    scheduleRedraw() {
        if (this.redrawPending)
            return;
        this.redrawPending = true;
        window.requestAnimationFrame(() => this.redrawAll());
    }

    redrawAll() {
        this.redrawPending = false;
        const now = Date.now();
        for (const entry of this.rows.values())
            drawChart(entry.svg, entry.history, Number(entry.proxy.MaxKiB), now);
    }
}
