// Figures for people: balloond speaks KiB; the page shows MiB below a GiB, GiB above.

export function size(kib) {
    if (kib === null || kib === undefined)
        return "-";
    if (kib >= 1048576)
        return (kib / 1048576).toFixed(2) + " GiB";
    return Math.round(kib / 1024) + " MiB";
}

// The short name of a D-Bus error ("AboveStaticMax"), with balloond's message, which says what
// to do; anything else (the bridge, the bus) as it comes.
export function failure(ex) {
    const name = (ex && ex.name) || "";
    const message = (ex && (ex.message || ex.problem)) || String(ex);
    const short = name.startsWith("org.balloond.Balloon1.Error.") ? name.slice(28) : name;
    return short ? `${message} (${short})` : message;
}

export function expiry(unixSeconds) {
    if (!unixSeconds)
        return "never";
    return new Date(unixSeconds * 1000).toLocaleString();
}
