#!/usr/bin/env python3
"""The failover experiment's figures, from run.sh's raw files.

usage: report.py run --kind K --rate R --rep N --event T --up T
                     (--httperf F... | --browser F) --rows F --steps F [--resync MIB]
           one run's JSON on stdout
       report.py line RUN.json       one run in a line
       report.py table OUTDIR        the tables, OUTDIR/results.json and results.png

The httperf clients' counts are added up. A reply is an HTTP answer of any
status, as httperf counts them (the paper's "replies"); "ok" are the 200s,
each naming the row it committed ("hit N" in httperf's printed bodies, or in
browser.py's); "lost" are those rows missing from the database (--rows: its
ids) after the move. With browser.py's load (--browser), a connection
is a visit, a reply is a visit answered 200 in the end (after its retries),
and ok_first those answered on the first attempt.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys

# The paper's failover figures: replies of 2000 connections per rate, on
# native servers and on virtual ones (only the 10 and 50 conn/s figures
# are given for the latter).
PAPER_NATIVE = {10: 1940, 20: 1882, 30: 1774, 40: 1682, 50: 1516}
PAPER_VIRTUAL = {10: 1836, 50: 1006}
GOAL_PCT = 99.5
GOAL_FAILOVER_S = 5.0

# The steps of a move, in the order they happen, as each stack's time line
# (scripts/vm/ha.sh stack_timeline) words them: tandem-vrrp's log, or
# Pacemaker's (a step's result: its end) or Heartbeat's (a resource
# script run: the end of the one before it). A step keeps its first time.
STEPS = [
    ("old_stepping_down", [r": stepping down$", r"Releasing resource group"]),
    ("old_service_stopped", [r": service stopped$", r"Result of stop operation for db\b",
                             r"Running Filesystem\S* .* stop$"]),
    ("old_unmounted", [r": unmounted ", r"Result of stop operation for fs\b", r"Running tandemdisk .* stop$"]),
    ("old_secondary", [r"(stop|backup|fault): secondary$", r"Result of demote operation for r0\b"]),
    ("detected", [r"master: promoting$", r"Node \S+ state is now lost", r" is dead"]),
    ("fenced", [r"fence-peer: exit [347]\b", r"Operation 'off' targeting .*: OK"]),
    ("promoted", [r"master: primary$", r"Result of promote operation for r0\b", r"Running Filesystem\S* .* start$"]),
    ("mounted", [r"master: mounted ", r"Result of start operation for fs\b", r"Running tandem-db\s+start$"]),
    ("database_up", [r"master: service started$", r"Result of start operation for db\b",
                     r"Running IPaddr2\S* .* start$"]),
    ("address_up", [r"Result of start operation for ip\b", r"acquisition completed"]),
]


def parse_httperf(path):
    text = open(path).read()
    m = re.search(r"Total: connections (\d+) requests (\d+) replies (\d+) test-duration ([\d.]+) s", text)
    if not m:
        sys.exit(f"report: no httperf summary in {path}:\n{text[-2000:]}")
    out = {"connections": int(m[1]), "requests": int(m[2]), "replies": int(m[3]),
           "duration_s": float(m[4])}
    m = re.search(r"Reply status: 1xx=(\d+) 2xx=(\d+) 3xx=(\d+) 4xx=(\d+) 5xx=(\d+)", text)
    out["status"] = dict(zip(["1xx", "2xx", "3xx", "4xx", "5xx"], map(int, m.groups())))
    errors = {}
    for line in re.findall(r"^Errors: (.*)$", text, re.M):
        words = line.split()
        errors.update({k: int(v) for k, v in zip(words[::2], words[1::2])})
    out["errors"] = errors.pop("total")
    out["error_kinds"] = {k: v for k, v in errors.items() if v}
    return out


def add_httperf(paths):
    """The clients' counts added up; the longest test duration."""
    total = None
    for part in map(parse_httperf, paths):
        if total is None:
            total = part
            continue
        for k in ("connections", "requests", "replies", "errors"):
            total[k] += part[k]
        total["duration_s"] = max(total["duration_s"], part["duration_s"])
        for group in ("status", "error_kinds"):
            for k, v in part[group].items():
                total[group][k] = total[group].get(k, 0) + v
    return total


def httperf_hits(paths):
    """The rows the 200 answers committed, from the bodies httperf printed."""
    return {m for p in paths for m in re.findall(r"^RB\d+:hit (\d+)$", open(p).read(), re.M)}


def parse_browser(path):
    b = json.load(open(path))
    return {"client": "browser", "retries": b["retries"], "reload_s": b["reload_s"],
            "connections": b["visits"], "requests": b["attempts"], "replies": b["ok"],
            "ok_first": b["ok_first"], "duration_s": b["duration_s"], "errors": b["visits"] - b["ok"],
            "error_kinds": b["error_kinds"]}


def browser_hits(path):
    """The rows the 200 answers committed, from the bodies browser.py kept."""
    return {m[1] for body in json.load(open(path))["bodies"] if (m := re.match(r"hit (\d+)\n", body))}


def parse_steps(path):
    """'[ ]seconds [s ]message' lines -> {step name: seconds since the event}."""
    steps = {}
    for line in open(path):
        t, _, msg = line.strip().partition(" ")
        msg = msg.removeprefix("s ").strip()
        for name, patterns in STEPS:
            if any(re.search(p, msg) for p in patterns):
                steps.setdefault(name, float(t))
    return steps


def cmd_run(argv):
    ap = argparse.ArgumentParser(prog="report.py run")
    for a in ("kind", "rows", "steps", "event", "up", "resync"):
        ap.add_argument("--" + a, default="")
    load = ap.add_mutually_exclusive_group(required=True)
    load.add_argument("--httperf", nargs="+")
    load.add_argument("--browser")
    ap.add_argument("--rate", type=int, required=True)
    ap.add_argument("--rep", type=int, required=True)
    a = ap.parse_args(argv)
    run = {"kind": a.kind, "rate": a.rate, "rep": a.rep}
    run.update(parse_browser(a.browser) if a.browser else add_httperf(a.httperf))
    acked = browser_hits(a.browser) if a.browser else httperf_hits(a.httperf)
    rows = set(open(a.rows).read().split())
    run["ok"] = len(acked)
    run["lost"] = len(acked - rows)
    run["steps_s"] = parse_steps(a.steps)
    if a.up:
        run["steps_s"]["service_up"] = round(float(a.up) - float(a.event), 2)
    if a.resync:
        run["resync_mib"] = int(a.resync)
    json.dump(run, sys.stdout)
    print()


def describe(run):
    s = run["steps_s"]
    first = f", {run['ok_first']} on the first try" if "ok_first" in run else ""
    return (f"{run['kind']} {run['rate']}/s rep {run['rep']}: {run['replies']}/{run['connections']} replies "
            f"({run['ok']} ok{first}), {run['errors']} errors {run['error_kinds'] or ''}, lost {run['lost']}, "
            f"service back after {s.get('service_up', float('nan')):.1f} s")


def spread(values):
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:g}"
    return f"{med:g} [{min(values):g}-{max(values):g}]"


def cmd_table(out):
    runs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "*-*-*.json")))]
    if not runs:
        sys.exit(f"report: no runs in {out}")
    conns = runs[0]["connections"]
    results = {"connections": conns, "runs": runs, "paper": {"native": PAPER_NATIVE, "virtual": PAPER_VIRTUAL},
               "summary": {}}
    goals = []
    for kind in ("failover", "failback"):
        mine = [r for r in runs if r["kind"] == kind]
        if not mine:
            continue
        reps = max(r["rep"] for r in mine)
        browser = mine[0].get("client") == "browser"
        client = (f"browser-like clients (a failed attempt tried again {mine[0]['reload_s']:g} s later, "
                  f"up to {mine[0]['retries']} times; replies: answered 200 in the end)"
                  if browser else "httperf without retries")
        print(f"\n{kind.upper()}: {conns} connections per run, {client}; median of {reps} run(s) [min-max]")
        head = f"{'rate':>6} {'requests':>10} {'replies':>18} {'errors':>12} {'replies %':>10} {'lost':>5}"
        if browser:
            head += f" {'first try':>12}"
        if kind == "failover":
            head += f"  {'paper native':>14} {'paper virtual':>14}"
        print(head)
        summary = results["summary"].setdefault(kind, {})
        for rate in sorted({r["rate"] for r in mine}):
            rr = [r for r in mine if r["rate"] == rate]
            pct = statistics.median(r["replies"] / r["connections"] * 100 for r in rr)
            worst_ok = min(r["ok"] / r["connections"] * 100 for r in rr)
            lost = sum(r["lost"] for r in rr)
            line = (f"{rate:>4}/s {spread([r['requests'] for r in rr]):>10} {spread([r['replies'] for r in rr]):>18} "
                    f"{spread([r['errors'] for r in rr]):>12} {pct:>9.1f}% {lost:>5}")
            if browser:
                line += f" {spread([r['ok_first'] for r in rr]):>12}"
            if kind == "failover":
                nat = PAPER_NATIVE.get(rate)
                vir = PAPER_VIRTUAL.get(rate)
                line += f"  {f'{nat} ({nat / 20:.1f}%)' if nat else '-':>14} {f'{vir} ({vir / 20:.1f}%)' if vir else '-':>14}"
            print(line)
            summary[str(rate)] = {"replies_median": statistics.median(r["replies"] for r in rr),
                                  "replies_pct_median": pct, "ok_pct_worst": worst_ok, "lost": lost}
            goals.append((f"{kind} {rate}/s: every run >= {GOAL_PCT}% answered 200 (worst {worst_ok:.2f}%)",
                          worst_ok >= GOAL_PCT))
            goals.append((f"{kind} {rate}/s: no acknowledged hit lost ({lost})", lost == 0))
        names = [n for n, _ in STEPS if any(n in r["steps_s"] for r in mine)] + ["service_up"]
        print(f"\n{kind} time line, seconds from the {'power cut' if kind == 'failover' else 'switch-over'}"
              " (median [min-max] over all runs):")
        for n in names:
            vals = [r["steps_s"][n] for r in mine if n in r["steps_s"]]
            if vals:
                print(f"  {n:<22} {spread(vals)} s")
        ups = [r["steps_s"]["service_up"] for r in mine if "service_up" in r["steps_s"]]
        if kind == "failover" and ups:
            goals.append((f"failover under {GOAL_FAILOVER_S:g} s end to end (median {statistics.median(ups):.1f} s)",
                          statistics.median(ups) < GOAL_FAILOVER_S))
        resync = [r["resync_mib"] for r in mine if "resync_mib" in r]
        if resync:
            print(f"  resync of the old master before failback: {spread(resync)} MiB")
    print("\ngoals:")
    for text, met in goals:
        print(f"  [{'met' if met else 'NOT met'}] {text}")
    json.dump(results, open(os.path.join(out, "results.json"), "w"), indent=1)
    plot(out, runs)


def plot(out, runs):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\n(no matplotlib: no plot)")
        return
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for kind, colour in (("failover", "tab:blue"), ("failback", "tab:green")):
        mine = [r for r in runs if r["kind"] == kind]
        rates = sorted({r["rate"] for r in mine})
        if not rates:
            continue
        med = [statistics.median(r["replies"] / r["connections"] * 100 for r in mine if r["rate"] == x) for x in rates]
        ax1.plot(rates, med, "o-", color=colour, label=f"tandem {kind}")
        if all("ok_first" in r for r in mine):
            first = [statistics.median(r["ok_first"] / r["connections"] * 100 for r in mine if r["rate"] == x)
                     for x in rates]
            ax1.plot(rates, first, "o:", color=colour, label=f"tandem {kind}, first try")
        timed = [r for r in mine if "service_up" in r["steps_s"]]
        ax2.scatter([r["rate"] + (-1 if kind == "failover" else 1) for r in timed],
                    [r["steps_s"]["service_up"] for r in timed], color=colour, label=f"tandem {kind}")
    ax1.plot(list(PAPER_NATIVE), [v / 20 for v in PAPER_NATIVE.values()], "s--", color="grey",
             label="paper, native")
    ax1.plot(list(PAPER_VIRTUAL), [v / 20 for v in PAPER_VIRTUAL.values()], "^--", color="tab:orange",
             label="paper, virtual")
    ax1.set(xlabel="connections/s", ylabel="replies, % of connections", title="replies during the move")
    ax1.legend(fontsize=8)
    ax2.set(xlabel="connections/s", ylabel="s", ylim=(0, None),
            title="from the event to the first page served after it")
    ax2.legend(fontsize=8)
    ax2.set_xticks(sorted({r["rate"] for r in runs}))
    ax2.set_xticklabels(sorted({r["rate"] for r in runs}))
    fig.tight_layout()
    fig.savefig(os.path.join(out, "results.png"), dpi=90)
    print(f"\nplot: {os.path.join(out, 'results.png')}; data: {os.path.join(out, 'results.json')}")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "line", "table"):
        sys.exit(__doc__)
    if sys.argv[1] == "run":
        cmd_run(sys.argv[2:])
    elif sys.argv[1] == "line":
        print(describe(json.load(open(sys.argv[2]))))
    else:
        cmd_table(sys.argv[2])
