// A small hand-drawn SVG chart per domain: target, actual and demand over the last hour, from
// samples the page keeps itself (balloond keeps no history; a reload starts afresh).

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 420;
const HEIGHT = 140;
const PAD = { left: 56, right: 8, top: 8, bottom: 20 };
export const WINDOW_MS = 60 * 60 * 1000;
// A page open for less than the hour shows the time it has seen, at least this much.
const MIN_SPAN_MS = 60 * 1000;

export const SERIES = [
    { key: "target", label: "target", colour: "#0066cc", width: 3.5 },
    // Thinner on top of the target: a guest that follows draws both.
    { key: "actual", label: "actual", colour: "#3e8635", width: 1.5 },
    { key: "demand", label: "demand", colour: "#f0ab00", width: 2 },
];

// Samples: [{ t, target, actual, demand }] in time order, KiB (demand null when unknown).
export class History {
    constructor() {
        this.samples = [];
    }

    // One sample per change; an unchanged figure adds nothing.
    add(now, figures) {
        const last = this.samples[this.samples.length - 1];
        if (last && SERIES.every(s => last[s.key] === figures[s.key]))
            return;
        this.samples.push({ t: now, ...figures });
        // Keep the sample just before the window: the lines start at the window's left edge.
        while (this.samples.length > 2 && this.samples[1].t < now - WINDOW_MS)
            this.samples.shift();
    }
}

function el(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs))
        node.setAttribute(k, v);
    if (text !== undefined)
        node.textContent = text;
    return node;
}

function gib(kib) {
    return Number((kib / 1048576).toFixed(kib >= 10 * 1048576 ? 0 : 2)) + " GiB";
}

// Step lines (a figure holds until the next change) from the window's start to now.
function stepPoints(samples, key, x, y, now, span) {
    const points = [];
    let previous = null;
    for (const s of samples) {
        if (s[key] === null || s[key] === undefined) {
            previous = null;
            continue;
        }
        const px = x(Math.max(s.t, now - span));
        if (previous !== null)
            points.push(`${px.toFixed(1)},${y(previous).toFixed(1)}`);
        points.push(`${px.toFixed(1)},${y(s[key]).toFixed(1)}`);
        previous = s[key];
    }
    if (previous !== null)
        points.push(`${x(now).toFixed(1)},${y(previous).toFixed(1)}`);
    return points.join(" ");
}

export function drawChart(svg, history, maxKiB, now) {
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
    // Up to the next half GiB above the largest figure: lines at the top stay in sight.
    const figures = history.samples.flatMap(s => SERIES.map(k => s[k.key] || 0));
    const largest = Math.max(maxKiB, ...figures);
    const top = (Math.floor(largest / 524288) + 1) * 524288;
    const plotW = WIDTH - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const first = history.samples.length ? history.samples[0].t : now;
    const span = Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, now - first));
    const x = t => PAD.left + plotW * (1 - (now - t) / span);
    const y = kib => PAD.top + plotH * (1 - kib / top);

    for (const fraction of [0, 0.5, 1]) {
        const gy = y(top * fraction);
        svg.append(el("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: gy, y2: gy,
                                class: "grid" }));
        svg.append(el("text", { x: PAD.left - 4, y: gy + 4, class: "axis", "text-anchor": "end" },
                      gib(top * fraction)));
    }
    const ago = ms => (ms < 120000 ? `-${Math.round(ms / 1000)} s`
                                   : `-${Math.round(ms / 60000)} min`);
    const label = (at, anchor, text) => svg.append(
        el("text", { x: at, y: HEIGHT - 4, class: "axis", "text-anchor": anchor }, text));
    label(PAD.left, "start", ago(span));
    label(PAD.left + plotW / 2, "middle", ago(span / 2));
    label(WIDTH - PAD.right, "end", "now");
    for (const s of SERIES) {
        const points = stepPoints(history.samples, s.key, x, y, now, span);
        if (points)
            svg.append(el("polyline", { points, fill: "none", stroke: s.colour,
                                        "stroke-width": s.width, "data-series": s.key }));
    }
}

export function legend() {
    const box = document.createElement("p");
    box.className = "legend";
    for (const s of SERIES) {
        const item = document.createElement("span");
        item.style.setProperty("--series", s.colour);
        item.textContent = s.label;
        box.append(item);
    }
    return box;
}
