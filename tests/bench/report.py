#!/usr/bin/env python3
"""The benchmark's table, results.json and results.png from run.sh's raw files.

usage: report.py OUTDIR RUNTIME REPS

Per job and configuration: the median over the repetitions of MB/s, IOPS,
mean and p99 completion latency (for the read/write mix: both directions,
the mean weighted by IOPS, the larger p99), the spread of IOPS over the
repetitions ((max - min) / median), the ratio to raw and to the matching
DRBD protocol, and the CPU time of both VMs per GiB written; for the initial
sync and the resync, the median rate over the repetitions and its spread.
"""
import glob
import json
import os
import re
import statistics
import sys

OUT, RUNTIME, REPS = sys.argv[1], sys.argv[2], int(sys.argv[3])
JOBS = ["seq-1m-qd8", "rand-4k-qd1", "rand-4k-qd32", "mix-4k-qd8"]
CONFIGS = ["raw", "raw-both", "tandem-async", "drbd-A", "tandem-sync", "tandem-sync-wg", "drbd-C"]
MATCH = {"tandem-async": "drbd-A", "tandem-sync": "drbd-C"}
USER_HZ = 100


def run_figures(path):
    job = json.load(open(path))["jobs"][0]
    dirs = [job[d] for d in ("read", "write") if job[d]["io_bytes"]]
    iops = sum(d["iops"] for d in dirs)
    mean = sum(d["clat_ns"]["mean"] * d["iops"] for d in dirs) / iops / 1e6 if iops else 0
    p99 = max(d["clat_ns"].get("percentile", {}).get("99.000000", 0) for d in dirs) / 1e6
    return {
        "mbs": sum(d["bw_bytes"] for d in dirs) / 1e6,
        "iops": iops,
        "mean_ms": mean,
        "p99_ms": p99,
        "written_gib": job["write"]["io_bytes"] / 2**30,
    }


def summary(runs, key):
    """Median of every numeric figure over the runs, the spread of @key, the runs."""
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if not isinstance(runs[0][k], bool)}
    vals = [r[key] for r in runs]
    med["spread_pct"] = 100 * (max(vals) - min(vals)) / med[key] if med[key] else 0
    med["runs"] = runs
    return med


def row(config, job):
    runs = []
    for r in range(1, REPS + 1):
        base = os.path.join(OUT, f"{config}.{job}.{r}")
        if not os.path.exists(base + ".json"):
            return None
        f = run_figures(base + ".json")
        a, b = map(int, open(base + ".cpu").read().split())
        f["cpu_s_per_gib"] = (a + b) / USER_HZ / f["written_gib"] if f["written_gib"] else 0
        f["pulled_ahead"] = os.path.exists(base + ".ahead") and open(base + ".ahead").read().strip() != "0"
        runs.append(f)
    med = summary(runs, "iops")
    med["pulled_ahead_runs"] = sum(r["pulled_ahead"] for r in runs)
    return med


def iperf(kind):
    return [json.load(open(p))["end"]["sum_received"]["bits_per_second"] / 8e6
            for p in sorted(glob.glob(os.path.join(OUT, f"link.{kind}.*.json")))]


def link():
    bw, wg = iperf("iperf"), iperf("wg-iperf")
    m = re.search(r"= [\d.]+/([\d.]+)/", open(os.path.join(OUT, "link.ping.txt")).read())
    return {"iperf3_mbs": statistics.median(bw), "iperf3_runs": bw,
            "wg_iperf3_mbs": statistics.median(wg) if wg else None, "wg_iperf3_runs": wg,
            "rtt_ms": float(m.group(1)) if m else None}


def sync_rate(name, kind):
    runs = []
    for r in range(1, REPS + 1):
        base = os.path.join(OUT, f"{name}.{kind}.{r}")
        try:
            secs = float(open(base + ".secs").read())
            nbytes = int(open(base + ".bytes").read())
        except (OSError, ValueError):
            return None
        runs.append({"seconds": secs, "bytes": nbytes, "mbs": nbytes / secs / 1e6})
    return summary(runs, "mbs")


results = {"runtime_s": int(RUNTIME), "repetitions": REPS, "link": link(), "rows": {}, "syncs": {}}
for job in JOBS:
    for config in CONFIGS:
        r = row(config, job)
        if r:
            results["rows"][f"{config}/{job}"] = r
for name in ("tandem", "drbd"):
    for kind in ("fullsync", "resync"):
        s = sync_rate(name, kind)
        if s:
            results["syncs"][f"{name}/{kind}"] = s
json.dump(results, open(os.path.join(OUT, "results.json"), "w"), indent=1)

L = results["link"]
print(f"link: iperf3 {L['iperf3_mbs']:.1f} MB/s (runs: "
      + ", ".join(f"{x:.1f}" for x in L["iperf3_runs"]) + f"), ping RTT {L['rtt_ms']} ms")
print(f"fio: {RUNTIME} s per run, median of {REPS} rounds (each round runs every configuration);")
print("spread = (max - min) / median of IOPS (of MB/s for the syncs)\n")
hdr = f"{'job':<13}{'config':<14}{'MB/s':>8}{'IOPS':>8}{'mean ms':>9}{'p99 ms':>9}" \
      f"{'spread':>8}{'vs raw':>8}{'vs DRBD':>8}{'CPU s/GiB':>10}"
print(hdr)
rows = results["rows"]
for job in JOBS:
    raw = rows.get(f"raw/{job}")
    for config in CONFIGS:
        r = rows.get(f"{config}/{job}")
        if not r:
            continue
        vs_raw = f"{r['iops'] / raw['iops']:.2f}" if raw and raw["iops"] else "-"
        d = rows.get(f"{MATCH.get(config)}/{job}")
        vs_drbd = f"{r['iops'] / d['iops']:.2f}" if d and d["iops"] else "-"
        print(f"{job:<13}{config:<14}{r['mbs']:8.1f}{r['iops']:8.0f}{r['mean_ms']:9.2f}"
              f"{r['p99_ms']:9.2f}{r['spread_pct']:7.0f}%{vs_raw:>8}{vs_drbd:>8}"
              f"{r['cpu_s_per_gib']:10.1f}" + ("  (pulled ahead in %d of %d runs)" % (
                  r["pulled_ahead_runs"], REPS) if r["pulled_ahead_runs"] else ""))
print("\nraw-both: the raw disk while beta runs the same job on its own disk, as a replica")
print("does: the two VMs share this machine's cores, so this is what a replicated write")
print("can reach here at best, whatever the replication costs.")
print("tandem-sync-wg: tandem sync with the replication link over WireGuard (wg0 on the")
print("replication NIC), as the README shows for confidentiality.")
print("tandem async pulls ahead above 64 MiB unsent (its default): such a run's")
print("writes are resynced after it (not timed); DRBD A runs with its default, on-congestion block.\n")
for key, s in results["syncs"].items():
    print(f"{key:<16} {s['bytes'] / 2**20:8.0f} MiB in {s['seconds']:6.1f} s = {s['mbs']:6.1f} MB/s"
          f" ({s['mbs'] / L['iperf3_mbs']:.2f} x iperf3), spread {s['spread_pct']:.0f}%")

if L["wg_iperf3_mbs"]:
    print(f"WireGuard: iperf3 over wg0 {L['wg_iperf3_mbs']:.1f} MB/s (runs: "
          + ", ".join(f"{x:.1f}" for x in L["wg_iperf3_runs"]) + f"), {L['wg_iperf3_mbs'] / L['iperf3_mbs']:.2f} x the plain link")
print("WireGuard's cost (tandem sync over wg0 / tandem sync, IOPS; CPU s/GiB):")
for job in JOBS:
    w, p = rows.get(f"tandem-sync-wg/{job}"), rows.get(f"tandem-sync/{job}")
    if w and p and p["iops"]:
        print(f"  {job:<13}{w['iops'] / p['iops']:6.2f} x   CPU {w['cpu_s_per_gib']:.1f} vs {p['cpu_s_per_gib']:.1f}")

# The goals of issue 6, as figures (not pass/fail: one noisy run proves little).
print("\ngoals (issue 6):")


def goal(text, ok):
    print(f"  [{'met' if ok else 'NOT met'}] {text}")


for job in JOBS:
    for t, d in MATCH.items():
        a, b = rows.get(f"{t}/{job}"), rows.get(f"{d}/{job}")
        if a and b:
            goal(f"{t} {job} >= {d}: {a['iops']:.0f} vs {b['iops']:.0f} IOPS", a["iops"] >= b["iops"])
s = rows.get("tandem-sync/seq-1m-qd8")
if s:
    goal(f"sync seq >= 0.95 x iperf3: {s['mbs']:.1f} vs {0.95 * L['iperf3_mbs']:.1f} MB/s",
         s["mbs"] >= 0.95 * L["iperf3_mbs"])
s, raw = rows.get("tandem-sync/rand-4k-qd1"), rows.get("raw/rand-4k-qd1")
if s and raw and L["rtt_ms"]:
    lim = raw["mean_ms"] + 2 * L["rtt_ms"]
    goal(f"sync 4k QD1 mean <= raw + 2 RTT: {s['mean_ms']:.2f} vs {lim:.2f} ms", s["mean_ms"] <= lim)
a, both = rows.get("tandem-async/rand-4k-qd1"), rows.get("raw-both/rand-4k-qd1")
if a and raw:
    goal(f"async 4k QD1 >= 0.8 x raw: {a['iops']:.0f} vs {0.8 * raw['iops']:.0f} IOPS"
         + (f" (raw-both: {both['iops']:.0f}, {a['iops'] / both['iops']:.2f} x)" if both else ""),
         a["iops"] >= 0.8 * raw["iops"])
# Scattered 4 KiB blocks: the target writes them at its disk's random-write rate at best.
q32 = rows.get("raw/rand-4k-qd32")
for kind in ("fullsync", "resync"):
    s, d = results["syncs"].get(f"tandem/{kind}"), results["syncs"].get(f"drbd/{kind}")
    if s and d:
        goal(f"tandem {kind} >= DRBD: {s['mbs']:.1f} vs {d['mbs']:.1f} MB/s", s["mbs"] >= d["mbs"])
    if s:
        goal(f"tandem {kind} >= 0.9 x iperf3: {s['mbs']:.1f} vs {0.9 * L['iperf3_mbs']:.1f} MB/s"
             + (f" (the disk's 4 KiB QD32 random writes: {q32['mbs']:.1f} MB/s)"
                if kind == "resync" and q32 else ""),
             s["mbs"] >= 0.9 * L["iperf3_mbs"])

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.patches
    import matplotlib.pyplot as plt
except ImportError:
    print("\n(no matplotlib: no plot)")
    sys.exit(0)
# One colour per system; on tandem's bars, its ratio to the matching DRBD protocol.
COLOUR = {"raw": "grey", "tandem": "tab:blue", "drbd": "tab:orange"}
fig, axes = plt.subplots(2, len(JOBS), figsize=(4 * len(JOBS), 7.5))
for i, job in enumerate(JOBS):
    present = [c for c in CONFIGS if f"{c}/{job}" in rows]
    for ax, key, label in ((axes[0][i], "mbs", "MB/s"), (axes[1][i], "p99_ms", "p99 latency, ms")):
        bars = ax.bar(present, [rows[f"{c}/{job}"][key] for c in present],
                      color=[COLOUR[c.split("-")[0]] for c in present])
        for bar, c in zip(bars, present):
            d = rows.get(f"{MATCH.get(c)}/{job}")
            if d and d[key]:
                ax.annotate(f"{rows[f'{c}/{job}'][key] / d[key]:.2f}x", (bar.get_x() + bar.get_width() / 2,
                            bar.get_height()), ha="center", va="bottom", fontsize=7)
        ax.set_title(f"{job}: {label}", fontsize=9)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
fig.legend(handles=[matplotlib.patches.Patch(color=c, label=n) for n, c in COLOUR.items()],
           loc="upper center", ncol=3, fontsize=9)
fig.text(0.5, 0.005, "on tandem's bars: its figure / DRBD's (async: protocol A, sync: C)",
         ha="center", fontsize=8)
fig.tight_layout(rect=(0, 0.02, 1, 0.95))
fig.savefig(os.path.join(OUT, "results.png"), dpi=90)
print(f"\nplot: {os.path.join(OUT, 'results.png')}; data: {os.path.join(OUT, 'results.json')}")
