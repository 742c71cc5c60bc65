#!/usr/bin/env python3
"""The report of one drill (scripts/cluster/drills.sh, docs/cluster.md): a table of what the load
driver saw and the pass criteria, PASS or FAIL each, with the evidence for every failure (the
request, its status and body, HAProxy's log line and the instance's JSON log lines with the same
request id). Exit status 1 when a criterion fails. Python 3 standard library only.

    report.py --drill a --title "..." --load DIR --cluster-dir DIR [--summary FILE]
"""

import argparse
import glob
import json
import os
import sys
from collections import Counter

OK = {200, 201, 204, 304}


def load_events(path, drill):
    events = []
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if len(parts) >= 3 and parts[1] == drill:
                if parts[2] == "start":
                    events = []  # only the last run of this drill
                    continue
                events.append((float(parts[0]), parts[2], " ".join(parts[3:])))
    return events


def load_haproxy(path, rids):
    """request id -> (accept time, server, status, termination state, retries, Ta ms, raw line)"""
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path, errors="replace"):
        f = line.split()
        if len(f) < 14 or f[0] not in rids:
            continue
        try:
            rc = f[11]
            redispatched = rc.startswith("+")
            out[f[0]] = {"accept": float(f[1]), "backend": f[2], "server": f[3], "status": f[9], "tsc": f[10],
                         "retries": int(rc.lstrip("+")), "redispatched": redispatched, "Ta": f[8],
                         "line": line.strip()}
        except ValueError:
            continue
    return out


def app_lines(cluster_dir, rid, limit=6):
    found = []
    for path in sorted(glob.glob(os.path.join(cluster_dir, "logs", "app-*.log"))):
        for line in open(path, errors="replace"):
            if rid in line:
                found.append(os.path.basename(path) + ": " + line.strip()[:600])
                if len(found) >= limit:
                    return found
    return found


def pct(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def failure_breakdown(errors, t0):
    """[(status or error name, count, seconds from t0 to the end of the last one)]"""
    groups = {}
    for r in errors:
        k = str(r["st"]) if not r.get("err") else r["err"].split(":")[0]
        n, last = groups.get(k, (0, 0.0))
        groups[k] = (n + 1, max(last, r["t"] + r["d"] - t0))
    return [(k, n, last) for k, (n, last) in sorted(groups.items())]


def fmt_ms(v):
    return "-" if v is None else "%.0f" % (v * 1000)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--drill", required=True)
    p.add_argument("--title", required=True)
    p.add_argument("--load", required=True, help="the load driver's --out directory")
    p.add_argument("--cluster-dir", required=True)
    p.add_argument("--summary", default="", help="append a one-line JSON summary here")
    p.add_argument("--confine", type=float, default=5.0, help="drill c: errors only within this many s of a fault")
    p.add_argument("--recover", type=float, default=5.0, help="drill d: error-free this many s after PostgreSQL is back")
    p.add_argument("--answer-within", type=float, default=1.0, help="drill d: answers while PostgreSQL is down (s)")
    a = p.parse_args()

    result = json.load(open(os.path.join(a.load, "result.json")))
    records = [json.loads(l) for l in open(os.path.join(a.load, "requests.jsonl"))]
    traffic = [r for r in records if r["ph"] in ("setup", "load")]
    events = load_events(os.path.join(a.cluster_dir, "logs", "events.log"), a.drill)
    faults = [e for e in events if e[1] == "fault"]
    t_fault = faults[0][0] if faults else result["t_ready"] or result["t_begin"]
    t_stop = result["t_stop"]
    haproxy = load_haproxy(os.path.join(a.cluster_dir, "logs", "haproxy-alb.log"), {r["rid"] for r in traffic})

    def is_error(r):
        return bool(r.get("err")) or r["st"] not in OK

    errors = [r for r in traffic if is_error(r)]
    during = [r for r in traffic if r["t"] >= t_fault]
    lat = [r["d"] for r in during if not r.get("err")]
    statuses = Counter(str(r["st"]) for r in traffic if not r.get("err"))
    client_errors = Counter(r["err"].split(":")[0] for r in traffic if r.get("err"))
    errors_after = [r for r in errors if r["t"] + r["d"] >= t_fault]
    errors_before = [r for r in errors if r["t"] + r["d"] < t_fault]
    last_error_end = max((r["t"] + r["d"] for r in errors_after), default=None)
    to_error_free = 0.0 if last_error_end is None else max(0.0, last_error_end - t_fault)
    v = result.get("verification") or {}
    lost, dup, slost, unver = v.get("lost", []), v.get("duplicated", []), v.get("sessions_lost", []), v.get("unverifiable", [])
    lb_retried = [h for h in haproxy.values() if h["retries"] > 0 or h["redispatched"]]
    unauthorized = [r for r in traffic if r["st"] == 401]

    criteria = []  # (ok, text, evidence records)

    def crit(ok, text, evidence=()):
        criteria.append((bool(ok), text, list(evidence)))

    d = a.drill
    if d == "a":
        killed = faults[0][2].split()[-1] if faults else "?"
        server = killed.replace("-", "")  # app-2 -> app2 (HAProxy's name)
        in_flight_keys, allowed, not_allowed = set(), [], []
        for r in sorted(errors, key=lambda r: r["t"]):
            h = haproxy.get(r["rid"])
            # t_fault is taken just before the kill; 50 ms of slack for reading two clocks
            in_flight = (h is not None and h["server"] == server and h["accept"] <= t_fault + 0.05
                         and r["t"] + r["d"] >= t_fault - 0.05)
            if in_flight:
                allowed.append(r)
                if r.get("ik"):
                    in_flight_keys.add(r["ik"])
            elif r.get("ik") in in_flight_keys and r["t"] >= t_fault:
                allowed.append(r)  # the client's retry of a write that was in flight on the killed instance
            else:
                not_allowed.append(r)
        crit(not not_allowed,
             "only requests in flight on %s failed (%d failed attempts: %d in flight on it or retries of those, %d other)"
             % (killed, len(errors), len(allowed), len(not_allowed)), not_allowed)
    elif d == "b":
        crit(not errors, "zero failed requests (%d failed)" % len(errors), errors)
        crit(not lb_retried, "no request needed a load-balancer retry or redispatch (the ALB has none): %d did"
             % len(lb_retried))
        replaced = [e for e in events if e[1] == "replaced"]
        crit(len(replaced) == 3, "all three instances replaced (%d)" % len(replaced))
    elif d in ("c1", "c2"):
        crit(not errors_before, "no failed request before the failover (%d)" % len(errors_before), errors_before)
        late = [r for r in errors_after if r["t"] + r["d"] > t_fault + a.confine]
        crit(not late, "errors confined to %.0f s after the failover (last error ended %.1f s after it)"
             % (a.confine, to_error_free), late)
        crit(not unauthorized, "no 401 caused by the failover (%d)" % len(unauthorized), unauthorized)
    elif d == "d":
        back = [e for e in events if e[1] == "back"]
        t_back = back[0][0] if back else t_stop
        outage = [r for r in traffic if t_fault <= r["t"] < t_back]
        bad = [r for r in outage if is_error(r) and not (r["st"] == 503 and r.get("ra"))]
        slow = [r for r in outage if r["d"] > a.answer_within]
        failed_outage = [r for r in outage if is_error(r)]
        crit(not errors_before, "no failed request before PostgreSQL stopped (%d)" % len(errors_before), errors_before)
        crit(not bad, "while PostgreSQL was down (%.1f s) every failure was 503 with Retry-After (%d of %d failures were not)"
             % (t_back - t_fault, len(bad), len(failed_outage)), bad)
        crit(not slow, "every request while it was down answered within %.1f s (slowest %.2f s, %d slower)"
             % (a.answer_within, max((r["d"] for r in outage), default=0), len(slow)), slow)
        after = [r for r in errors if r["t"] + r["d"] > t_back]
        last = max((r["t"] + r["d"] for r in after), default=t_back)
        crit(last - t_back <= a.recover, "error-free within %.0f s after PostgreSQL was back (last error %.1f s after)"
             % (a.recover, last - t_back), [r for r in after if r["t"] + r["d"] - t_back > a.recover])
        to_error_free = max(0.0, last - t_back)
    crit(not lost, "zero acknowledged writes lost (%d)" % len(lost))
    crit(not dup, "zero writes duplicated (%d)" % len(dup))
    crit(not slost, "zero sessions lost (%d of %s)" % (len(slost), v.get("sessions")))
    if d not in ("c1", "c2"):
        crit(not unauthorized, "no 401 (%d)" % len(unauthorized), unauthorized)
    crit(v and not unver, "everything acknowledged could be read back (%d reads failed)" % len(unver))

    # ------------------------------------------------------------------ the table
    fault_desc = "; ".join("%+.1fs %s %s" % (e[0] - t_fault, e[1], e[2]) for e in events)
    rows = [
        ("requests (attempts, setup included)", str(len(traffic))),
        ("responses by status", " ".join("%s=%d" % kv for kv in sorted(statuses.items()))),
        ("client-side errors", " ".join("%s=%d" % kv for kv in sorted(client_errors.items())) or "0"),
        ("failed requests (total / after the fault)", "%d / %d" % (len(errors), len(errors_after))),
        ("failures after the fault, by status (last one ended)",
         " ".join("%s=%d (%+.1fs)" % (k, n, last) for k, n, last in failure_breakdown(errors_after, t_fault)) or "-"),
        ("p50 / p99 during the drill (ms)", "%s / %s" % (fmt_ms(pct(lat, 0.5)), fmt_ms(pct(lat, 0.99)))),
        ("load-balancer retries / redispatches", "%d" % len(lb_retried)),
        ("acknowledged writes", str(result["acknowledged_writes"])),
        ("acknowledged writes lost", str(len(lost))),
        ("writes duplicated", str(len(dup))),
        ("sessions lost", "%d of %s" % (len(slost), v.get("sessions"))),
        ("seconds until error-free" + (" (after PostgreSQL back)" if d == "d" else " (after the fault)"),
         "%.1f" % to_error_free),
        ("writes never acknowledged (client gave up) / applied anyway", "%d / %d" % (
            result.get("gave_up", 0), sum(n for k, n in v.get("checked", {}).items() if k.endswith("applied")))),
    ]
    width = max(len(k) for k, _ in rows)
    out = ["", "== drill %s: %s" % (d, a.title), "   timeline: " + (fault_desc or "-")]
    out.append("   | %-*s | %s" % (width, "metric", "value"))
    out.append("   |-%s-|-%s" % ("-" * width, "-" * 30))
    for k, val in rows:
        out.append("   | %-*s | %s" % (width, k, val))
    for ok, text, _ in criteria:
        out.append("   %s  %s" % ("PASS" if ok else "FAIL", text))
    if result.get("anomalies"):
        out.append("   note: %d retried writes were answered as if the first attempt had not run:" % len(result["anomalies"]))
        for an in result["anomalies"][:5]:
            out.append("     %s" % json.dumps(an))
    # evidence for failures
    shown = 0
    for ok, text, evidence in criteria:
        if ok or not evidence:
            continue
        out.append("   evidence for FAIL '%s' (first %d of %d):" % (text.split(" (")[0], min(3, len(evidence)), len(evidence)))
        for r in evidence[:3]:
            out.append("     request: %s %s op=%s attempt=%s t=%+.3fs dur=%.3fs status=%s err=%s retry-after=%s rid=%s"
                       % (r["m"], r["r"], r["op"], r["a"], r["t"] - t_fault, r["d"], r["st"], r.get("err"), r.get("ra"),
                          r["rid"]))
            if r.get("body"):
                out.append("       body: %s" % r["body"])
            h = haproxy.get(r["rid"])
            out.append("       haproxy: %s" % (h["line"] if h else "(no log line)"))
            for line in app_lines(a.cluster_dir, r["rid"], 4):
                out.append("       " + line)
            shown += 1
    for name, items in (("lost", lost), ("duplicated", dup), ("sessions lost", slost), ("unverifiable", unver)):
        for it in items[:5]:
            out.append("   %s: %s" % (name, json.dumps(it)))
    print("\n".join(out))
    passed = all(ok for ok, _, _ in criteria)
    if a.summary:
        with open(a.summary, "a") as f:
            f.write(json.dumps({
                "drill": d, "title": a.title, "pass": passed, "requests": len(traffic),
                "statuses": dict(statuses), "client_errors": sum(client_errors.values()),
                "failed": len(errors), "p50_ms": fmt_ms(pct(lat, 0.5)), "p99_ms": fmt_ms(pct(lat, 0.99)),
                "lost": len(lost), "duplicated": len(dup), "sessions_lost": len(slost),
                "error_free_s": round(to_error_free, 1), "lb_retries": len(lb_retried),
                "failed_criteria": [t for ok, t, _ in criteria if not ok]}) + "\n")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
