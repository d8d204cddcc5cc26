#!/usr/bin/env python3
"""Turns the JMH JSON files of run-benchmarks.sh into the Markdown tables of BENCHMARKS.md (ratios from the same run).

Usage: python3 summarize.py [results-dir]   (default: target/results)
"""
import json
import os
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "target", "results")


def load(name):
    path = os.path.join(OUT, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return json.load(f)


def short(bench):
    return bench["benchmark"].rsplit(".", 1)[1]


def fmt(score, error):
    if error != error:  # NaN: a single iteration
        return "%.3f" % score
    return "%.3f ± %.3f" % (score, error)


def hitpath():
    print("### Hit path: acquire + release of an idle session (ops/µs, higher is better)\n")
    print("| threads | keys | mcp-pool | Commons Pool2 | minimal keyed pool (floor) | mcp-pool / Pool2 |"
          " mcp-pool / floor | mcp-pool B/op | Pool2 B/op |")
    print("|---|---|---|---|---|---|---|---|---|")
    by_keys_one = {}
    for t in (1, 2, 8):
        rows = {}
        for b in load("hitpath-t%d.json" % t):
            keys = b["params"]["keys"]
            m = b["primaryMetric"]
            alloc = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
            rows.setdefault(keys, {})[short(b)] = (m["score"], m["scoreError"], alloc)
        for keys in sorted(rows, key=int):
            r = rows[keys]
            mp, p2, fl = r.get("mcpPool"), r.get("commonsPool2"), r.get("minimalKeyedPool")
            if not (mp and p2 and fl):
                continue
            print("| %d | %s | %s | %s | %s | %.2fx | %.2fx | %.0f | %.0f |" % (
                t, keys, fmt(mp[0], mp[1]), fmt(p2[0], p2[1]), fmt(fl[0], fl[1]), mp[0] / p2[0], mp[0] / fl[0],
                mp[2], p2[2]))
            by_keys_one.setdefault(t, {})[keys] = (mp[0], p2[0], fl[0])
    print("\n### 100,000 keys against 1 key (same run)\n")
    print("| threads | mcp-pool 1 key / 100,000 keys | Pool2 | floor |")
    print("|---|---|---|---|")
    for t, r in sorted(by_keys_one.items()):
        if "1" in r and "100000" in r:
            print("| %d | %.1fx | %.1fx | %.1fx |" % (t, r["1"][0] / r["100000"][0], r["1"][1] / r["100000"][1],
                                                    r["1"][2] / r["100000"][2]))


def plain(name, title, unit):
    data = load(name)
    if not data:
        return
    print("\n### %s (%s)\n" % (title, unit))
    print("| benchmark | params | threads | score | B/op |")
    print("|---|---|---|---|---|")
    for b in data:
        m = b["primaryMetric"]
        alloc = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
        params = ",".join("%s=%s" % kv for kv in sorted(b.get("params", {}).items())) or "-"
        print("| %s | %s | %d | %s | %s |" % (short(b), params, b["threads"], fmt(m["score"], m["scoreError"]),
                                              "-" if alloc != alloc else "%.0f" % alloc))


def housekeeping():
    data = load("housekeeping.json")
    if not data:
        return
    print("\n### Acquire latency while the housekeeper sweeps 100,000 keys (SampleTime, ns)\n")
    print("| group | acquiring thread: p50 | p90 | p99 | p99.9 | mean ± error | other thread |")
    print("|---|---|---|---|---|---|---|")
    for b in data:
        group = short(b)
        sec = b.get("secondaryMetrics", {})
        plain_keys = [k for k in sec if ":" not in k and "gc" not in k and not k[:3] in ("p0.", "p1.")]
        acquire = [k for k in plain_keys if k.endswith("Acquire")]
        other = [k for k in plain_keys if not k.endswith("Acquire")]
        m = sec[acquire[0]] if acquire else b["primaryMetric"]
        p = m["scorePercentiles"]
        o = ""
        if other:
            om = sec[other[0]]
            o = "%s: p50 %.1f ms, mean %.1f ms" % (other[0], om["scorePercentiles"]["50.0"] / 1e6, om["score"] / 1e6)
        print("| %s | %.0f | %.0f | %.0f | %.0f | %.0f ± %.0f | %s |" % (
            group, p["50.0"], p["90.0"], p["99.0"], p["99.9"], m["score"], m["scoreError"], o))


if __name__ == "__main__":
    hitpath()
    plain("hitpath-pool2-defaults.json", "Commons Pool2 with its default reuseCapacityOnReturn=true", "ops/µs")
    plain("hitpath-sequential-t1.json", "Diagnostic: keys walked in order instead of at random", "ops/µs")
    plain("keys.json", "Key derivation and primitives", "ns/op")
    housekeeping()
