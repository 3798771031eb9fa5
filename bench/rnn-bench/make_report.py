#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Merges rnn_bench's and pytorch_bench.py's JSON lines into bench/RESULTS.md.

usage: make_report.py --output RESULTS.md [--commands FILE] [--note TEXT]
                      FILE.jsonl...

Every input line is one JSON object with a "type": "meta" (which program,
how many threads, versions), "config" (a configuration's shape), "time" (a
measurement: framework, config, mode, threads, runs, median/min/max/q1/q3 in
seconds), "gemm" (dnnl_sgemm throughput), "compile" (rnnc compile time) or
"check" (oneDNN's results against rnnc's). bench/README.md explains the
columns of the report.
"""

import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys

FRAMEWORKS = ["rnnc", "pytorch", "onednn"]
LABELS = {"rnnc": "rnnc", "pytorch": "PyTorch", "onednn": "oneDNN"}
ORDER = ["sine", "basic", "char_bi", "mid", "large", "latency_b1", "deep"]


def run(cmd, cwd=None, strip=True):
    try:
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                             check=True).stdout
        return out.strip() if strip else out
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine():
    info = {}
    lscpu = run(["lscpu"])
    for line in lscpu.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    flags = info.get("Flags", "").split()
    simd = [f for f in flags if f in ("avx", "avx2", "fma")
            or f.startswith("avx512")]
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = "%.1f GiB" % (int(line.split()[1]) / 2**20)
    except OSError:
        pass
    return {
        "model": info.get("Model name", platform.processor() or "?"),
        "cpus": info.get("CPU(s)", "?"),
        "threads_per_core": info.get("Thread(s) per core", "?"),
        "cores_per_socket": info.get("Core(s) per socket", "?"),
        "sockets": info.get("Socket(s)", "?"),
        "simd": " ".join(simd) if simd else "none of avx/avx2/avx512",
        "hypervisor": info.get("Hypervisor vendor", ""),
        "memory": mem,
        "kernel": platform.release(),
        "cc": run(["cc", "--version"]).splitlines()[0:1],
    }


def fmt_time(seconds):
    if seconds >= 1.0:
        return "%.2f s" % seconds
    if seconds >= 1e-3:
        return "%.3g ms" % (seconds * 1e3)
    return "%.3g µs" % (seconds * 1e6)


def fmt_num(x, digits=3):
    return ("%%.%dg" % digits) % x


def load(paths):
    data = {"meta": [], "config": {}, "time": {}, "gemm": {}, "compile": {},
            "check": []}
    for path in paths:
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    sys.exit(f"{path}:{lineno}: not JSON: {line[:80]}")
                kind = obj.get("type")
                if kind == "meta":
                    data["meta"].append(obj)
                elif kind == "config":
                    old = data["config"].get(obj["name"])
                    shape = {k: obj[k] for k in "IHLTBD"}
                    if old and old != shape:
                        sys.exit(f"{path}: configuration {obj['name']} differs "
                                 f"between inputs: {old} vs {shape}")
                    data["config"][obj["name"]] = shape
                elif kind == "time":
                    key = (obj["framework"], obj["config"], obj["mode"],
                           obj["threads"])
                    data["time"][key] = obj
                elif kind == "gemm":
                    data["gemm"][(obj["threads"], obj["n"])] = obj
                elif kind == "compile":
                    data["compile"][obj["config"]] = obj
                elif kind == "check":
                    data["check"].append(obj)
    return data


def forward_flop(shape):
    I, H, L, T, B, D = (shape[k] for k in "IHLTBD")
    return sum(D * 2.0 * B * T * H * ((I if l == 0 else D * H) + H)
               for l in range(L))


def gemm_peak(data, threads):
    values = [g["best_gflops"] for (t, _), g in data["gemm"].items()
              if t == threads]
    return max(values) if values else None


def lookup(data, framework, config, mode, threads):
    """The measurement, and whether it was borrowed from 1 thread (results
    from before rnnc --parallel have rnnc on 1 thread only)."""
    entry = data["time"].get((framework, config, mode, threads))
    if entry is None and framework == "rnnc" and threads != 1:
        entry = data["time"].get((framework, config, mode, 1))
        return entry, entry is not None
    return entry, False


def configs_in(data):
    names = [n for n in ORDER if n in data["config"]]
    return names + sorted(n for n in data["config"] if n not in ORDER)


def shape_text(shape):
    text = "I=%d H=%d L=%d T=%d B=%d" % tuple(shape[k] for k in "IHLTB")
    return text + (" bi" if shape["D"] == 2 else "")


def summary_table(data, mode, threads_list):
    out = []
    head = "| config |"
    sep = "|---|"
    for t in threads_list:
        tl = "1 thr" if t == 1 else f"{t} thr"
        head += f" rnnc ({tl}) | PyTorch ({tl}) | oneDNN ({tl}) | rnnc / best peer ({tl}) |"
        sep += "---:|---:|---:|---:|"
    out += [head, sep]
    for name in configs_in(data):
        row = f"| {name} |"
        for t in threads_list:
            times = {}
            for fw in FRAMEWORKS:
                entry, borrowed = lookup(data, fw, name, mode, t)
                if entry:
                    times[fw] = (entry["median_s"], borrowed)
            for fw in FRAMEWORKS:
                if fw in times:
                    mark = " †" if times[fw][1] else ""
                    row += f" {fmt_time(times[fw][0])}{mark} |"
                else:
                    row += " — |"
            peers = [times[fw][0] for fw in ("pytorch", "onednn") if fw in times]
            if "rnnc" in times and peers:
                row += f" **{times['rnnc'][0] / min(peers):.2f}** |"
            else:
                row += " — |"
        out.append(row)
    return out


def detail_table(data, mode, threads):
    peak = gemm_peak(data, threads)
    out = ["| config | shape | framework | median | min – max | IQR | runs "
           "| GFLOP/s | % of GEMM peak | time / best other | per step |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in configs_in(data):
        shape = data["config"][name]
        flop = forward_flop(shape) * (3 if mode == "training" else 1)
        entries = {}
        for fw in FRAMEWORKS:
            entry, borrowed = lookup(data, fw, name, mode, threads)
            if entry:
                entries[fw] = (entry, borrowed)
        for fw in FRAMEWORKS:
            if fw not in entries:
                continue
            entry, borrowed = entries[fw]
            median = entry["median_s"]
            others = [e["median_s"] for f, (e, _) in entries.items() if f != fw]
            ratio = f"{median / min(others):.2f}" if others else "—"
            if fw == "rnnc" and others:
                ratio = f"**{ratio}**"
            gflops = flop / median * 1e-9
            pct = f"{100 * gflops / peak:.1f} %" if peak else "—"
            label = LABELS[fw] + (" †" if borrowed else "")
            out.append(
                f"| {name} | {shape_text(shape)} | {label} | {fmt_time(median)} "
                f"| {fmt_time(entry['min_s'])} – {fmt_time(entry['max_s'])} "
                f"| {fmt_time(entry['q1_s'])} – {fmt_time(entry['q3_s'])} "
                f"| {entry['runs']} | {gflops:.2f} | {pct} | {ratio} "
                f"| {fmt_time(median / shape['T'])} |")
    return out


def speedup_plot(data, threads_list, targets=(1.0, 1.5, 5.0)):
    """An SVG bar chart (no plotting library needed): for every configuration
    and mode, how many times faster rnnc is than each peer (peer's median /
    rnnc's median) on a log axis, one panel per thread count, with the
    issue's target ratios as vertical lines."""
    peers = [fw for fw in FRAMEWORKS if fw != "rnnc"]
    colors = {"pytorch": "#d95f02", "onednn": "#1b9e77"}
    rows = [(n, m) for n in configs_in(data) for m in ("forward", "training")]
    lo, hi = 0.25, 64.0
    label_w, plot_w, bar_h, gap, top = 150, 420, 7, 8, 48
    panel_h = len(rows) * (len(peers) * bar_h + gap) + 30
    width = label_w + plot_w + 40
    height = top + len(threads_list) * (panel_h + 20) + 10

    def x_of(ratio):
        ratio = min(max(ratio, lo), hi)
        return label_w + plot_w * math.log(ratio / lo) / math.log(hi / lo)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" font-family="sans-serif" font-size="10">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{label_w}" y="16" font-size="12">rnnc speed-up: '
           'peer time / rnnc time (log scale; right of 1 = rnnc faster)'
           '</text>']
    for i, fw in enumerate(peers):
        x = label_w + i * 120
        out.append(f'<rect x="{x}" y="24" width="10" height="10" '
                   f'fill="{colors.get(fw, "#7570b3")}"/>')
        out.append(f'<text x="{x + 14}" y="33">vs {LABELS[fw]}</text>')
    y0 = top
    for t in threads_list:
        out.append(f'<text x="4" y="{y0 + 10}" font-weight="bold">'
                   f'{t} thread{"s" if t != 1 else ""}</text>')
        y = y0 + 18
        for ratio in (0.5, 1, 2, 5, 10, 20, 50):
            x = x_of(ratio)
            out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" '
                       f'y2="{y0 + panel_h}" stroke="#ddd"/>')
            out.append(f'<text x="{x:.1f}" y="{y0 + panel_h + 11}" '
                       f'text-anchor="middle">{ratio:g}x</text>')
        for ratio in targets:
            x = x_of(ratio)
            out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" '
                       f'y2="{y0 + panel_h}" stroke="#555" '
                       'stroke-dasharray="3,2"/>')
        for name, mode in rows:
            out.append(f'<text x="{label_w - 6}" '
                       f'y="{y + len(peers) * bar_h - 1}" text-anchor="end">'
                       f'{name} {mode}</text>')
            mine, _ = lookup(data, "rnnc", name, mode, t)
            for fw in peers:
                theirs = data["time"].get((fw, name, mode, t))
                if mine and theirs:
                    ratio = theirs["median_s"] / mine["median_s"]
                    x = x_of(ratio)
                    left, right = sorted((x_of(1.0), x))
                    out.append(f'<rect x="{left:.1f}" y="{y}" '
                               f'width="{max(right - left, 1):.1f}" '
                               f'height="{bar_h - 1}" '
                               f'fill="{colors.get(fw, "#7570b3")}"/>')
                    out.append(f'<text x="{max(x, x_of(1.0)) + 3:.1f}" '
                               f'y="{y + bar_h - 1}" font-size="7">'
                               f'{ratio:.2f}</text>')
                y += bar_h
            y += gap
        y0 += panel_h + 20
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--output", required=True)
    parser.add_argument("--commands", help="file with the commands run")
    parser.add_argument("--repo", default=os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    parser.add_argument("--plot", help="also write the speed-up chart (SVG) "
                        "here; RESULTS.md links it by its path relative to "
                        "--output")
    parser.add_argument("--note", action="append", default=[],
                        help="a line for the notes section")
    parser.add_argument("inputs", nargs="+")
    args = parser.parse_args()
    data = load(args.inputs)
    m = machine()

    threads = sorted({k[3] for k in data["time"]} | {k[0] for k in data["gemm"]})
    metas = data["meta"]
    quick = any(x.get("quick") for x in metas)
    torch_version = next((x["torch_version"] for x in metas
                          if "torch_version" in x), "not run")
    dnnl_version = next((x["onednn_version"] for x in metas
                         if x.get("onednn_version")), "not built in")
    commit = run(["git", "rev-parse", "HEAD"], cwd=args.repo)
    branch = run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=args.repo)
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=args.repo, strip=False)
    target_cpu = next((x["rnnc_target_cpu"] for x in metas
                       if "rnnc_target_cpu" in x), "native")

    lines = ["# rnn-bench results", ""]
    lines.append("Generated by `scripts/bench.sh` on %s%s. bench/README.md "
                 "explains every column and the caveats." % (
                     datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
                     " with `--quick` (shorter measurements)" if quick else ""))
    lines.append("")
    lines += ["## Machine", ""]
    lines.append(f"- CPU: {m['model']}, {m['cpus']} logical CPUs "
                 f"({m['sockets']} socket(s) × {m['cores_per_socket']} cores × "
                 f"{m['threads_per_core']} thread(s) per core)"
                 + (f", under a {m['hypervisor']} hypervisor"
                    if m["hypervisor"] else ""))
    lines.append(f"- SIMD flags: {m['simd']}")
    lines.append(f"- memory: {m['memory']}; kernel {m['kernel']}")
    if m["cc"]:
        lines.append(f"- C compiler: {m['cc'][0]}")
    lines.append("")
    lines += ["## Versions", ""]
    # The report and its chart are rewritten by every run: not a change to
    # the code measured.
    written = {os.path.relpath(os.path.abspath(path), args.repo)
               for path in (args.output, args.plot) if path}
    changed = sorted({l[3:] for l in dirty.splitlines() if len(l) > 3}
                     - written)
    lines.append(f"- rnnc: commit `{commit or '?'}` (branch `{branch or '?'}`)"
                 + ("; the working tree had uncommitted changes to "
                    + ", ".join(f"`{c}`" for c in changed)
                    + " (scripts/bench.sh rebuilds rnnc and the models from "
                    "it before the runs)" if changed else ""))
    lines.append(f"- rnnc models: `-O3 --target-cpu={target_cpu} --parallel` "
                 "(OpenMP threads through LLVM's libomp; OMP_NUM_THREADS is "
                 "the run's thread count)")
    lines.append(f"- PyTorch: {torch_version} (Debian python3-torch, "
                 "OpenBLAS libopenblas0-openmp)")
    lines.append(f"- oneDNN: {dnnl_version} (Debian libdnnl-dev)")
    lines.append("")
    if args.commands:
        lines += ["## Commands", "", "```sh"]
        with open(args.commands) as f:
            lines += [l.rstrip() for l in f if l.strip()]
        lines += ["```", ""]

    lines += ["## GEMM reference (dnnl_sgemm, square n×n×n)", "",
              "| threads | n | best GFLOP/s | median GFLOP/s |",
              "|---:|---:|---:|---:|"]
    for (t, n), g in sorted(data["gemm"].items()):
        lines.append(f"| {t} | {n} | {g['best_gflops']:.1f} | "
                     f"{g['median_gflops']:.1f} |")
    lines.append("")
    for t in threads:
        peak = gemm_peak(data, t)
        if peak:
            lines.append(f"GEMM peak on {t} thread(s): **{peak:.1f} GFLOP/s** "
                         "(the best of the sizes above; the \"% of GEMM "
                         "peak\" columns divide by it).")
    lines.append("")

    if args.plot:
        with open(args.plot, "w") as f:
            f.write(speedup_plot(data, threads))
        relative = os.path.relpath(args.plot,
                                   os.path.dirname(os.path.abspath(args.output)))
        lines += ["## Speed-up chart", "",
                  f"![rnnc speed-up over PyTorch and oneDNN]({relative})", "",
                  "Each bar: the peer's median time divided by rnnc's, per "
                  "configuration and mode; the dashed lines mark 1x, the "
                  "issue's 1.5x (oneDNN, small models) and 5x (PyTorch, "
                  "small models).", ""]

    lines += ["## Summary: median time per configuration", ""]
    lines.append("rnnc / best peer = rnnc's median time divided by the faster "
                 "of PyTorch and oneDNN: below 1 rnnc is faster. † = rnnc's "
                 "1-thread number (no multi-thread measurement of rnnc).")
    lines.append("")
    for mode, title in (("forward", "Forward inference"),
                        ("training", "Training step (forward + MSELoss + "
                                     "backward, all parameter gradients)")):
        lines += [f"### {title}", ""]
        lines += summary_table(data, mode, threads)
        lines.append("")

    multi = [t for t in threads if t != 1]
    if multi:
        lines += ["## Scaling: 1-thread time / multi-thread time", "",
                  "Above 1 the framework got faster with more threads.", ""]
        head, sep = "| config | mode |", "|---|---|"
        for t in multi:
            for fw in FRAMEWORKS:
                head += f" {LABELS[fw]} ({t} thr) |"
                sep += "---:|"
        lines += [head, sep]
        for name in configs_in(data):
            for mode in ("forward", "training"):
                row = f"| {name} | {mode} |"
                for t in multi:
                    for fw in FRAMEWORKS:
                        one = data["time"].get((fw, name, mode, 1))
                        many = data["time"].get((fw, name, mode, t))
                        row += (f" {one['median_s'] / many['median_s']:.2f} |"
                                if one and many else " — |")
                lines.append(row)
        lines.append("")

    if "latency_b1" in data["config"]:
        T = data["config"]["latency_b1"]["T"]
        lines += ["## Batch-1 latency per step (latency_b1)", "",
                  f"Median time of the whole sequence divided by T = {T}.", "",
                  "| mode | threads | rnnc | PyTorch | oneDNN |",
                  "|---|---:|---:|---:|---:|"]
        for mode in ("forward", "training"):
            for t in threads:
                row = f"| {mode} | {t} |"
                for fw in FRAMEWORKS:
                    entry, borrowed = lookup(data, fw, "latency_b1", mode, t)
                    row += (f" {fmt_time(entry['median_s'] / T)}"
                            f"{' †' if borrowed else ''} |" if entry else " — |")
                lines.append(row)
        lines.append("")

    for mode, title in (("forward", "Forward inference"),
                        ("training", "Training step")):
        for t in threads:
            tl = "1 thread" if t == 1 else f"all cores ({t} threads)"
            lines += [f"## {title}, {tl}", ""]
            if t != 1 and any(lookup(data, "rnnc", n, mode, t)[1]
                              for n in configs_in(data)):
                lines.append("† rnnc: the 1-thread measurement; its % of GEMM "
                             f"peak is against the {t}-thread GEMM peak.")
                lines.append("")
            lines += detail_table(data, mode, t)
            lines.append("")

    if data["compile"]:
        lines += ["## rnnc compile time", "",
                  "Wall time of `rnnc spec.rnn -o x.o -O3 "
                  f"--target-cpu={target_cpu} --parallel` (parse, lowering, LLVM -O3, "
                  "object emission; one process per run).", "",
                  "| config | median | min – max | runs |",
                  "|---|---:|---:|---:|"]
        for name in configs_in(data):
            c = data["compile"].get(name)
            if c:
                lines.append(f"| {name} | {fmt_time(c['median_s'])} | "
                             f"{fmt_time(c['min_s'])} – "
                             f"{fmt_time(c['max_s'])} | {c['runs']} |")
        lines.append("")

    if data["check"]:
        lines += ["## Cross-check: oneDNN against rnnc", "",
                  "Same weights and input, untimed: the forward output and "
                  "every parameter gradient (oneDNN's single bias gradient is "
                  "compared with both bias_ih's and bias_hh's).", "",
                  "| config | mode | compared | max abs diff | max abs value "
                  "| ok |", "|---|---|---|---:|---:|---|"]
        for c in data["check"]:
            lines.append(f"| {c['config']} | {c['mode']} | {c['what']} | "
                         f"{c['max_abs_diff']:.3g} | {c['max_abs_ref']:.3g} | "
                         f"{'yes' if c['ok'] else '**no**'} |")
        lines.append("")

    if args.note:
        lines += ["## Notes", ""]
        lines += [f"- {n}" for n in args.note]
        lines.append("")

    with open(args.output, "w") as f:
        while lines and not lines[-1]:
            lines.pop()
        f.write("\n".join(lines) + "\n")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
