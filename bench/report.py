#!/usr/bin/env python3
"""Turns bench/run.sh's CSV files into table.md (printed too), plot.png (time and
peak memory against message size) and scaling.png (recipients, trust anchors).

usage: report.py RESULTS_DIR
"""
import csv
import os
import subprocess
import sys
from collections import defaultdict

OPS = ["sign", "verify", "encrypt", "decrypt"]
SIZE_ORDER = ["10k", "1m", "25m", "8bit-25m", "100m"]
SIZE_LABEL = {"10k": "10 KB", "1m": "1 MB", "25m": "25 MB", "8bit-25m": "25 MB 8-bit", "100m": "100 MB"}
KEY_LABEL = {"rsa2048": "RSA-2048", "rsa4096": "RSA-4096", "p256": "P-256"}
TOOL_ORDER = ["inkan", "inkan-p7s", "inkan-gcm", "host", "openssl", "cmsutil", "gpgsm"]
PEERS = ["openssl", "cmsutil", "gpgsm"]
# The targets: MB/s through inkan on files at 25 MB, peak RSS at 100 MB, 10 KB sign against openssl.
SPEED_TARGETS = {"sign": 750, "verify": 750, "encrypt": 400, "decrypt": 400}
RSS_TARGET_MIB = {"inkan": 8, "host": 16}


def load(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            rows = list(csv.DictReader(f))
    return rows


def ordered(values, order):
    return sorted(values, key=lambda v: (order.index(v) if v in order else len(order), v))


def cpu_ms(r):
    return (float(r["user_s"]) + float(r["system_s"])) * 1000


def cell(r):
    if r is None:
        return ""
    if not r["median_s"]:
        return "fails"
    return (f'{float(r["median_s"]) * 1000:.1f} ({cpu_ms(r):.1f}) / {float(r["mbps"]):.0f} / '
            f'{int(r["rss_kib"]) / 1024:.1f}')


def ratio(a, b):
    if a is None or b is None or not a["median_s"] or not b["median_s"]:
        return ""
    return f'{float(a["median_s"]) / float(b["median_s"]):.2f}'


def tables(rows):
    by = {(r["key"], r["size"], r["op"], r["tool"]): r for r in rows}
    keys = ordered({r["key"] for r in rows}, list(KEY_LABEL))
    sizes = ordered({r["size"] for r in rows}, SIZE_ORDER)
    tools = ordered({r["tool"] for r in rows}, TOOL_ORDER)
    peers = [t for t in tools if t in PEERS]
    out = []
    for key in keys:
        out.append(f"### {KEY_LABEL.get(key, key)}\n")
        out.append("Each cell: median wall ms (mean CPU ms, user + system) / MB/s (message bytes over median wall "
                   "time) / peak RSS MiB. Ratio: inkan's median wall time over the peer's (below 1: inkan is "
                   "faster).\n")
        for op in OPS:
            if not any((key, s, op, t) in by for s in sizes for t in tools):
                continue
            head = ["size"] + tools + [f"inkan/{p}" for p in peers]
            out.append(f"**{op}**\n")
            out.append("| " + " | ".join(head) + " |")
            out.append("|" + "---|" + "---:|" * (len(head) - 1))
            for s in sizes:
                cells = [cell(by.get((key, s, op, t))) for t in tools]
                ratios = [ratio(by.get((key, s, op, "inkan")), by.get((key, s, op, p))) for p in peers]
                if any(cells):
                    out.append("| " + " | ".join([SIZE_LABEL.get(s, s)] + cells + ratios) + " |")
            out.append("")
    return out


def floors(rows):
    by = {(r["size"], r["tool"]): r for r in rows if r["op"] == "floor" and r["median_s"]}
    if not by:
        return []
    sizes = ordered({s for s, _ in by}, SIZE_ORDER)
    out = ["The machine's floors on the same files (median wall ms (CPU ms) / MB/s): `openssl dgst -sha256` "
           "(read and hash), `cp` (read and write), `openssl enc -aes-256-cbc` (read, encrypt, write).", "",
           "| size | sha256 | copy | aes-256-cbc |", "|---|---:|---:|---:|"]
    for s in sizes:
        cells = []
        for t in ("sha256", "copy", "aes-cbc"):
            r = by.get((s, t))
            cells.append(f'{float(r["median_s"]) * 1000:.1f} ({cpu_ms(r):.1f}) / {float(r["mbps"]):.0f}' if r else "")
        out.append("| " + " | ".join([SIZE_LABEL.get(s, s)] + cells) + " |")
    return out + [""]


def targets(rows):
    by = {(r["key"], r["size"], r["op"], r["tool"]): r for r in rows if r["median_s"]}
    out = ["| target | measured | met |", "|---|---:|---|"]
    key = "rsa2048" if any(r["key"] == "rsa2048" for r in rows) else (rows[0]["key"] if rows else "")
    for tool in ("inkan", "host"):
        for op, goal in SPEED_TARGETS.items():
            r = by.get((key, "25m", op, tool))
            if r:
                v = float(r["mbps"])
                out.append(f"| {tool} {op} 25 MB ≥ {goal} MB/s ({KEY_LABEL.get(key, key)}) | {v:.0f} MB/s | "
                           f"{'yes' if v >= goal else 'no'} |")
        for op in OPS:
            r = by.get((key, "100m", op, tool))
            if r:
                mib = int(r["rss_kib"]) / 1024
                goal = RSS_TARGET_MIB[tool]
                out.append(f"| {tool} {op} 100 MB peak RSS ≤ {goal} MiB | {mib:.1f} MiB | "
                           f"{'yes' if mib <= goal else 'no'} |")
        mine, theirs = by.get((key, "10k", "sign", tool)), by.get((key, "10k", "sign", "openssl"))
        if mine and theirs:
            rt = float(mine["median_s"]) / float(theirs["median_s"])
            out.append(f"| {tool} 10 KB sign (process start included) ≤ openssl cms -sign | "
                       f"{float(mine['median_s']) * 1000:.1f} vs {float(theirs['median_s']) * 1000:.1f} ms "
                       f"(×{rt:.2f}) | {'yes' if rt <= 1 else 'no'} |")
    return out + [""]


def scaling_table(rows):
    if not rows:
        return []
    out = ["| curve | n | tool | median ms | CPU ms | peak RSS MiB | ms per added item |", "|---|---:|---|---:|---:|---:|---:|"]
    by = defaultdict(list)
    for r in rows:
        by[(r["curve"], r["tool"])].append(r)
    for (curve, tool), rs in sorted(by.items()):
        rs.sort(key=lambda r: int(r["n"]))
        first = rs[0]
        for r in rs:
            n = int(r["n"])
            ms = float(r["median_s"]) * 1000
            cpu = (float(r["user_s"]) + float(r["system_s"])) * 1000
            slope = ""
            if n > int(first["n"]):
                slope = f'{(ms - float(first["median_s"]) * 1000) / (n - int(first["n"])):.3f}'
            out.append(f"| {curve} | {n} | {tool} | {ms:.1f} | {cpu:.1f} | {int(r['rss_kib']) / 1024:.1f} | {slope} |")
    return out + [""]


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script.encode(), check=True)


def plot(rows, results):
    rows = [r for r in rows if r["median_s"] and r["size"] != "8bit-25m" and r["op"] != "floor"]
    if not rows:
        return
    key = "rsa2048" if any(r["key"] == "rsa2048" for r in rows) else rows[0]["key"]
    tools = ordered({r["tool"] for r in rows}, TOOL_ORDER)
    datdir = os.path.join(results, "plotdata")
    os.makedirs(datdir, exist_ok=True)
    for op in OPS:
        for t in tools:
            pts = sorted((int(r["bytes"]), float(r["median_s"]) * 1000, int(r["rss_kib"]) / 1024)
                         for r in rows if r["key"] == key and r["op"] == op and r["tool"] == t)
            with open(os.path.join(datdir, f"{op}-{t}.dat"), "w") as f:
                for p in pts:
                    f.write(f"{p[0]} {p[1]} {p[2]}\n")
    ops = [op for op in OPS if any(r["op"] == op and r["key"] == key for r in rows)]
    s = [f'set terminal pngcairo size {400 * len(ops)},800 font "sans,10"',
         f'set output "{os.path.join(results, "plot.png")}"',
         f"set multiplot layout 2,{len(ops)} title " +
         f'"Median wall time and peak RSS against message size ({KEY_LABEL.get(key, key)})"',
         "set logscale x", "set format x '10^{%L}'", "set key top left", "set grid"]
    for row, (col, label, key_at) in enumerate([(2, "median ms", "top left"), (3, "peak RSS MiB", "top left")]):
        for op in ops:
            s.append("set logscale y")  # RSS too: a flat line stays visible next to one growing to a GiB
            s.append(f"set key {key_at}")
            s.append(f'set title "{op} — {label}"')
            s.append('set xlabel "message bytes"')
            s.append(f'set ylabel "{label}"')
            s.append("set yrange [*:*]")
            plots = [f'"{os.path.join(datdir, f"{op}-{t}.dat")}" using 1:{col} with linespoints title "{t}"'
                     for t in tools if os.path.getsize(os.path.join(datdir, f"{op}-{t}.dat")) > 0]
            s.append("plot " + ", ".join(plots) if plots else "plot 1 notitle")
    s.append("unset multiplot")
    gnuplot("\n".join(s) + "\n")


def plot_scaling(rows, results):
    if not rows:
        return
    datdir = os.path.join(results, "plotdata")
    os.makedirs(datdir, exist_ok=True)
    curves = ordered({r["curve"] for r in rows}, ["recipients", "anchors"])
    s = ['set terminal pngcairo size 1200,500 font "sans,10"', f'set output "{os.path.join(results, "scaling.png")}"',
         f"set multiplot layout 1,{len(curves)} title \"Cost against the number of recipients (encrypt 1 MB) and of trust anchors (verify 1 MB)\"",
         "set logscale xy", "set grid", "set key top left"]
    for c in curves:
        tools = ordered({r["tool"] for r in rows if r["curve"] == c}, TOOL_ORDER)
        plots = []
        for t in tools:
            path = os.path.join(datdir, f"scaling-{c}-{t}.dat")
            with open(path, "w") as f:
                for r in sorted((r for r in rows if r["curve"] == c and r["tool"] == t), key=lambda r: int(r["n"])):
                    f.write(f'{r["n"]} {float(r["median_s"]) * 1000}\n')
            plots.append(f'"{path}" using 1:2 with linespoints title "{t}"')
        s += [f'set title "{c}"', f'set xlabel "{c}"', 'set ylabel "median ms"', "plot " + ", ".join(plots)]
    s.append("unset multiplot")
    gnuplot("\n".join(s) + "\n")


def main():
    results = sys.argv[1]
    rows = load(os.path.join(results, "results.csv"))
    scaling = load(os.path.join(results, "scaling.csv"))
    machine = open(os.path.join(results, "machine.txt")).read() if os.path.exists(os.path.join(results, "machine.txt")) else ""
    fails = [r for r in rows if not r["median_s"]]
    lines = ["## Machine", "", "```", machine.strip(), "```", "", "## Targets", ""] + targets(rows)
    lines += ["## Results", ""] + tables([r for r in rows if r["op"] != "floor"]) + floors(rows)
    if fails:
        lines += ["Failed runs (the peer cannot do it):", ""]
        lines += [f'- {r["tool"]} {r["op"]} {KEY_LABEL.get(r["key"], r["key"])} {SIZE_LABEL.get(r["size"], r["size"])}: '
                  f'{r["note"]}' for r in fails] + [""]
    if scaling:
        lines += ["## Scaling", ""] + scaling_table(scaling)
    text = "\n".join(lines)
    with open(os.path.join(results, "table.md"), "w") as f:
        f.write(text)
    print(text)
    plot(rows, results)
    plot_scaling(scaling, results)


if __name__ == "__main__":
    main()
