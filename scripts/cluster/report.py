#!/usr/bin/env python3
"""The report of one drill (scripts/cluster/drills.sh, docs/cluster.md): a table of what the load
driver saw, the numbers the criteria judge, and the pass criteria, PASS or FAIL each, with the
evidence for every failure (the request, its status and body, HAProxy's log line and the
instance's JSON log lines with the same request id). Exit status 1 when a criterion fails. Python 3
standard library only.

    report.py --drill a --title "..." --load DIR --cluster-dir DIR [--summary FILE] [--conditions TEXT]

Drill f (scripts/cluster/region-drill.sh) also reads the failback's load, the read-back on region A,
the drill's measurements and the replication lag samples (--failback-load, --on-a, --facts, --lag)
and the Route 53 stand-in's log (--haproxy-log).
"""

import argparse
import glob
import json
import os
import sys
from collections import Counter

OK = {200, 201, 204, 304}
KINDS = ("registration", "session", "article", "delete", "comment", "favorite", "follow", "bio")


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
    """request id -> accept time, server, status, termination state, retries, Ta ms, method, raw line"""
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path, errors="replace"):
        f = line.split()
        if len(f) < 14 or f[0] not in rids:
            continue
        try:
            rc = f[11]
            out[f[0]] = {"accept": float(f[1]), "backend": f[2], "server": f[3], "status": f[9], "tsc": f[10],
                         "retries": int(rc.lstrip("+")), "redispatched": rc.startswith("+"), "Ta": f[8],
                         "method": f[12], "line": line.strip()}
        except ValueError:
            continue
    return out


def app_lines(cluster_dir, rid, limit=6):
    found = []
    for path in sorted(glob.glob(os.path.join(cluster_dir, "logs", "app-*.log"))
                       + glob.glob(os.path.join(cluster_dir, "*", "logs", "app-*.log"))):
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
        groups[k] = (n + 1, max(last, end(r) - t0))
    return [(k, n, last) for k, (n, last) in sorted(groups.items())]


def fmt_ms(v):
    return "-" if v is None else "%.0f" % (v * 1000)


def end(r):
    return r["t"] + r["d"]


def is_error(r):
    return bool(r.get("err")) or r["st"] not in OK


def still_running(r):
    """409: another attempt with this Idempotency-Key still holds it; the client retries."""
    return r["st"] == 409 and "running" in (r.get("body") or "")


def definitive(r):
    """An answer the client acts on instead of retrying: a success, a 409 saying the write was carried
    out, or a refusal that is not about being unavailable or still running."""
    if r.get("err") or r["st"] >= 500 or r["st"] == 429:
        return False
    return not still_running(r)


class Report:
    def __init__(self, a):
        self.a = a
        self.result = json.load(open(os.path.join(a.load, "result.json")))
        records = [json.loads(line) for line in open(os.path.join(a.load, "requests.jsonl"))]
        self.traffic = [r for r in records if r["ph"] in ("setup", "load")]
        self.events = load_events(os.path.join(a.cluster_dir, "logs", "events.log"), a.drill)
        faults = [e for e in self.events if e[1] == "fault"]
        self.fault = faults[0] if faults else None
        self.t_fault = faults[0][0] if faults else self.result["t_ready"] or self.result["t_begin"]
        self.haproxy = load_haproxy(a.haproxy_log or os.path.join(a.cluster_dir, "logs", "haproxy-alb.log"),
                                    {r["rid"] for r in self.traffic})
        self.errors = [r for r in self.traffic if is_error(r)]
        self.errors_after = [r for r in self.errors if end(r) >= self.t_fault]
        self.errors_before = [r for r in self.errors if end(r) < self.t_fault]
        self.unauthorized = [r for r in self.traffic if r["st"] == 401]
        self.v = self.result.get("verification") or {}
        self.criteria = []  # (ok, text, evidence records)
        self.judged = []    # (metric, value): the numbers the criteria judge, as table rows
        self.summary = {}   # drill-specific columns of the summary table
        self.notes = []     # drill-specific lines printed after the criteria

    def event_time(self, name):
        found = [e[0] for e in self.events if e[1] == name]
        return found[0] if found else None

    def crit(self, ok, text, evidence=()):
        self.criteria.append((bool(ok), text, list(evidence)))

    def last_failure(self, since, label):
        last = max((end(r) for r in self.errors if end(r) >= since), default=None)
        self.summary["last_failure"] = "none" if last is None else "%+.1f s after %s" % (last - since, label)
        return None if last is None else last - since

    # ------------------------------------------------------------------ drills
    def drill_a(self):
        """kill -9: failures only among the requests in flight on the killed instance and the
        client's retries of those writes, all within the window; each such write answered for good
        soon after the kill."""
        a, t = self.a, self.t_fault
        killed = self.fault[2].split()[-1] if self.fault else "?"
        server = killed.replace("-", "")  # app-2 -> app2 (HAProxy's name)

        def on_killed(r):  # t is taken just before the kill; 50 ms of slack for reading two clocks
            h = self.haproxy.get(r["rid"])
            if h is None or h["server"] != server:
                return False
            if h["accept"] <= t + 0.05 and end(r) >= t - 0.05:
                return True
            # Sent to the instance while its process was being torn down: the kernel still took the
            # connection, then the dying server aborted it (HAProxy's termination state S...). It
            # was on the killed instance as much as one accepted a moment earlier.
            return t - 0.05 <= h["accept"] <= t + 0.5 and h["tsc"].startswith("S")

        in_flight = [r for r in self.traffic if on_killed(r)]
        died = [r for r in self.errors if on_killed(r)]
        keys = {r["ik"] for r in died if r.get("ik")}
        retries = [r for r in self.errors if r.get("ik") in keys and r["t"] >= t and not on_killed(r)]
        retries_in = [r for r in retries if end(r) <= t + a.kill_window]
        retries_late = [r for r in retries if end(r) > t + a.kill_window]
        other = [r for r in self.errors if not on_killed(r) and r not in retries]
        last = self.last_failure(t, "the kill")
        late = [r for r in self.errors_after if end(r) > t + a.kill_window]
        busy = [e[2] for e in self.events if e[1] == "busy"]
        self.judged += [
            ("requests in flight on %s at the kill (by HAProxy's log)" % killed,
             "%d, %d of them writes (HAProxy: %s)" % (
                 len(in_flight), sum(1 for r in in_flight if r["m"] != "GET"), busy[0] if busy else "-")),
            ("failed attempts: died in flight / their retries within %.1f s / later / other" % a.kill_window,
             "%d / %d / %d / %d" % (len(died), len(retries_in), len(retries_late), len(other))),
            ("last failure (after the kill)", "-" if last is None else "%+.1f s" % last),
        ]
        self.crit(not late, "failures only within %.1f s of the kill (last failure at %s)"
                  % (a.kill_window, "-" if last is None else "%+.1f s" % last), late)
        self.crit(not other and not retries_late, "no more failed requests than were in flight on %s, plus the "
                  "client's retries of those writes within %.1f s: %d failed = %d died in flight + %d retries within "
                  "%.1f s + %d later retries + %d other" % (killed, a.kill_window, len(self.errors), len(died),
                                                           len(retries_in), a.kill_window, len(retries_late),
                                                           len(other)), other + retries_late)
        self.summary["failed_allowed"] = "%d = %d + %d + %d + %d" % (len(self.errors), len(died), len(retries_in),
                                                                     len(retries_late), len(other))
        self.retries_answered(keys, killed)

    def retries_answered(self, keys, killed):
        """Each write whose attempt died with the instance: when its retry got a definitive answer."""
        a, t = self.a, self.t_fault
        answered, slow, running_until = [], [], None
        for key in sorted(keys):
            attempts = sorted((r for r in self.traffic if r.get("ik") == key), key=lambda r: r["t"])
            final = next((r for r in attempts if r["t"] >= t and definitive(r)), None)
            for r in attempts:
                if still_running(r):
                    running_until = max(running_until or 0, end(r) - t)
            if final is None:
                slow.append(attempts[-1])
                answered.append(None)
                continue
            answered.append(end(final) - t)
            if end(final) - t > a.retry_answer:
                slow.append(final)
        worst = None if None in answered else max(answered, default=None)
        text = ("never answered for good (a client gave up)" if None in answered else
                "none" if worst is None else "the last answered for good at %+.1f s" % worst)
        running = "" if running_until is None else "; 409 'still running' until %+.1f s" % running_until
        plural = "write" if len(keys) == 1 else "writes"
        self.judged.append(("writes that died in flight: when answered for good (after the kill)",
                            "%d %s: %s%s" % (len(keys), plural, text, running)))
        self.summary["retries_answered"] = ("never" if None in answered else "%+.1f s" % worst) if keys else "-"
        if not keys:
            self.crit(False, "a retry of each write that died with %s answered for good within %.1f s of the kill: "
                      "not exercised, no write died in flight (run the drill again)" % (killed, a.retry_answer))
            return
        self.crit(not slow, "a retry of each write that died with %s answered for good within %.1f s of the kill "
                  "(%d %s: %s%s)" % (killed, a.retry_answer, len(keys), plural, text, running), slow)

    def drill_b(self):
        lb_retried = [h for h in self.haproxy.values() if h["retries"] > 0 or h["redispatched"]]
        self.last_failure(self.t_fault, "the fault")
        self.crit(not self.errors, "zero failed requests (%d failed)" % len(self.errors), self.errors)
        self.crit(not lb_retried, "no request needed a load-balancer retry or redispatch (the ALB has none): %d did"
                  % len(lb_retried))
        replaced = [e for e in self.events if e[1] == "replaced"]
        self.crit(len(replaced) == 3, "all three instances replaced (%d)" % len(replaced))

    def drill_c(self):
        """Redis failover: errors only until shortly after the endpoint routes to the new primary."""
        a, t = self.a, self.t_fault
        t_endpoint = self.event_time("endpoint") or t
        last_fault = max((end(r) for r in self.errors_after), default=None)
        last = self.last_failure(t_endpoint, "the endpoint moved")
        self.judged += [
            ("endpoint routes to the new primary (after the fault)", "%+.1f s" % (t_endpoint - t)),
            ("last failure (after the endpoint moved / after the fault)", "%s / %s" % (
                "-" if last is None else "%+.1f s" % last, "-" if last_fault is None else "%+.1f s" % (last_fault - t))),
        ]
        self.crit(not self.errors_before, "no failed request before the failover (%d)" % len(self.errors_before),
                  self.errors_before)
        late_fault = [r for r in self.errors_after if end(r) > t + a.confine]
        self.crit(not late_fault, "errors confined to %.0f s after the failover (last error ended %s after it)"
                  % (a.confine, "-" if last_fault is None else "%.1f s" % (last_fault - t)), late_fault)
        late = [r for r in self.errors_after if end(r) > t_endpoint + a.after_endpoint]
        self.crit(not late, "errors only until %.1f s after the endpoint routes to the new primary (%s)" % (
            a.after_endpoint, "no error after it" if last is None else "errors until %+.1f s after it moved" % last),
            late)
        self.crit(not self.unauthorized, "no 401 caused by the failover (%d)" % len(self.unauthorized),
                  self.unauthorized)

    def drill_d(self):
        """PostgreSQL down: every request in flight at any moment of the outage answered within the
        bound, each failure a 503 with Retry-After, and error-free soon after it is back."""
        a, t = self.a, self.t_fault
        t_back = self.event_time("back") or self.result["t_stop"]
        outage = [r for r in self.traffic if r["t"] <= t_back and end(r) >= t]
        failed = [r for r in outage if is_error(r)]
        bad = [r for r in failed if not (r["st"] == 503 and r.get("ra"))]
        slow = sorted((r for r in outage if r["d"] > a.answer_within), key=lambda r: -r["d"])
        slowest = max((r["d"] for r in outage), default=0.0)
        after = [r for r in self.errors if end(r) > t_back]
        last = self.last_failure(t_back, "PostgreSQL was back")
        self.summary["max_outage_ms"] = "%.0f" % (slowest * 1000)
        self.judged += [
            ("requests in flight during the outage (%.1f s) / slowest" % (t_back - t),
             "%d / %.0f ms (%d over %.0f ms)" % (len(outage), slowest * 1000, len(slow), a.answer_within * 1000)),
            ("failures during the outage: 503 with Retry-After / other", "%d / %d" % (len(failed) - len(bad), len(bad))),
            ("last failure (after PostgreSQL was back)", "-" if last is None else "%+.1f s" % last),
        ]
        self.crit(not self.errors_before, "no failed request before PostgreSQL stopped (%d)" % len(self.errors_before),
                  self.errors_before)
        self.crit(not bad, "every failure in flight during the outage (%.1f s) was a 503 with Retry-After (%d of %d were "
                  "not)" % (t_back - t, len(bad), len(failed)), bad)
        self.crit(not slow, "every request in flight during the outage answered within %.1f s (max latency %.0f ms of "
                  "%d requests, %d slower)" % (a.answer_within, slowest * 1000, len(outage), len(slow)), slow)
        late = [r for r in after if end(r) - t_back > a.recover]
        self.crit(not late, "error-free within %.0f s after PostgreSQL was back (%s)" % (
            a.recover, "no failure after it" if last is None else "last failure %.1f s after it" % last), late)

    def drill_e(self):
        """Credential rotation: failures only within the bound after each secret changed on its server,
        each one a 503 with Retry-After, every instance on the new secrets, no instance restarted."""
        a = self.a
        t_db = self.t_fault
        t_redis = self.event_time("redis-fault")
        phases = [("the database password", t_db, t_redis or self.result["t_stop"])]
        if t_redis is not None:
            phases.append(("the Redis AUTH token", t_redis, self.result["t_stop"] + 3600))
        self.crit(t_redis is not None, "both secrets rotated (database password, Redis AUTH token)")
        self.crit(not self.errors_before, "no failed request before the rotation (%d)" % len(self.errors_before),
                  self.errors_before)
        spans = []
        for what, t0, t1 in phases:
            failed = [r for r in self.errors if t0 <= end(r) < t1]
            last = max((end(r) for r in failed), default=None)
            spans.append("%s: %s" % (what, "none" if last is None else "%d, last %+.1f s" % (len(failed), last - t0)))
            late = [r for r in failed if end(r) > t0 + a.rotation_window]
            self.crit(not late, "after %s changed on its server, failures only within %.0f s (%s)" % (
                what, a.rotation_window, "no failure" if last is None else "last one ended %+.1f s after" % (last - t0)),
                late)
        self.judged.append(("failed requests after each rotation (last ended, from the change on the server)",
                            "; ".join(spans)))
        self.summary["last_failure"] = "; ".join(spans)
        bad = [r for r in self.errors_after if not (r["st"] == 503 and r.get("ra"))]
        self.crit(not bad, "every failure a 503 with Retry-After, never a 500 or 401 (%d were not)" % len(bad), bad)
        for label, text in (("db-picked-up", "every instance logged the new database password"),
                            ("redis-picked-up", "every instance logged the new Redis AUTH token"),
                            ("same-processes", "no instance restarted (same pids and start times)")):
            self.crit(self.event_time(label) is not None, text)
        for label, text in (("db-fresh", "connections to PostgreSQL opened with the new password"),
                            ("redis-fresh", "connections to the Redis primary opened with the new token")):
            found = [e[2] for e in self.events if e[1] == label]
            n = int(found[0].split()[0]) if found and found[0].split()[0].isdigit() else 0
            self.judged.append((text, str(n)))
            self.crit(n > 0, "%s after the rotation: %d" % (text, n))

    # ------------------------------------------------------------------ drill f: two regions
    def drill_f(self):
        """Region A lost: B serves reads soon, takes writes soon after the failover command, and has
        every acknowledged write and session but those the replication lag at the loss explains;
        after the failback A has everything again and leads."""
        a, t = self.a, self.t_fault
        facts = {}
        for line in open(a.facts):
            f = json.loads(line)
            facts[f["name"]] = f["value"]
        lag = [json.loads(line) for line in open(a.lag)] if os.path.exists(a.lag) else []
        t_down = self.event_time("down")
        t_failover = self.event_time("failover")
        served_b = lambda r: self.haproxy.get(r["rid"], {}).get("backend") == "region_b"

        # Reads and writes through the Route 53 stand-in
        reads = sorted((r for r in self.traffic if r["m"] == "GET" and r["st"] in OK and r["t"] >= t and served_b(r)),
                       key=end)
        first_read = end(reads[0]) - t if reads else None
        writes = sorted((r for r in self.traffic if r["m"] != "GET" and r["st"] in OK and t_failover is not None
                         and r["t"] >= t_failover and served_b(r)), key=end)
        first_write = end(writes[0]) - t_failover if writes else None
        refused = [r for r in self.traffic if r["m"] != "GET" and t_failover is not None and t <= r["t"] < t_failover
                   and not r.get("err") and r["st"] == 503 and served_b(r)]
        read_only = sum(1 for r in refused if "read-only" in (r.get("body") or "") and r.get("ra"))

        # Replication lag: sampled every 0.2 s before the loss, and exactly at the loss
        before = [s for s in lag if s["t"] <= t and "a_lsn" in s and "b_replay" in s]
        during = [s for s in before if s["t"] >= (self.result.get("t_ready") or 0)]
        last = before[-1] if before else {}
        b_recv, b_redis = facts.get("b_received"), facts.get("b_redis_offset")
        caught_pg = max((s["t"] for s in lag if s["t"] <= t and "a_lsn" in s and b_recv is not None
                         and s["a_lsn"] <= b_recv), default=None)
        caught_redis = max((s["t"] for s in lag if s["t"] <= t and "a_redis" in s and b_redis is not None
                            and s["a_redis"] <= b_redis), default=None)
        unrep = facts.get("unreplicated") or {}
        commits = [c for c in unrep.get("commits", []) if c <= t + 1]
        pg_lag_s = None if caught_pg is None else max(0.0, t - caught_pg)
        redis_lag_s = None if caught_redis is None else max(0.0, t - caught_redis)

        # What B lacks
        v = self.v
        lost, slost = v.get("lost", []), v.get("sessions_lost", [])
        # Lost with the lag: acknowledged after B's last complete copy of A and before the failover
        # command (until then B refused writes, so A acknowledged it, up to the moment its processes
        # were gone: SIGKILL to many processes on a busy machine is not one instant)
        until = t_failover if t_failover is not None else t
        in_window = lambda x, since: x.get("acked_at") is not None and since is not None and since < x["acked_at"] <= until
        unexplained = [x for x in lost if not in_window(x, caught_pg)]
        s_unexplained = [x for x in slost if not in_window(x, caught_redis)]
        acked = lambda xs: "" if not xs else " (acknowledged at %s after the loss)" % ", ".join(
            "?" if x.get("acked_at") is None else "%+.3f s" % (x["acked_at"] - t) for x in xs[:5])

        # The failback: the second load, and the first load's writes read back on A
        fb = json.load(open(os.path.join(a.failback_load, "result.json"))) \
            if os.path.exists(os.path.join(a.failback_load, "result.json")) else {}
        on_a = json.load(open(os.path.join(a.on_a, "result.json"))) \
            if os.path.exists(os.path.join(a.on_a, "result.json")) else {}
        fbv, av = fb.get("verification") or {}, on_a.get("verification") or {}
        key = lambda x: (x.get("kind"), x.get("what"))
        lost_at_failover = {key(x) for x in lost}
        new_lost_a = [x for x in av.get("lost", []) if key(x) not in lost_at_failover]
        s_lost_b = {(x.get("user"), x.get("acked_at")) for x in slost}
        new_slost_a = [x for x in av.get("sessions_lost", []) if (x.get("user"), x.get("acked_at")) not in s_lost_b]
        fb_records = [json.loads(line) for line in open(os.path.join(a.failback_load, "requests.jsonl"))] \
            if os.path.exists(os.path.join(a.failback_load, "requests.jsonl")) else []
        fb_log = load_haproxy(a.haproxy_log, {r["rid"] for r in fb_records})
        fb_verify = [r for r in fb_records if r["ph"] == "verify"]
        fb_verify_a = sum(1 for r in fb_verify if fb_log.get(r["rid"], {}).get("backend") == "region_a")
        t_freeze = self.event_time("freeze")
        fb_traffic = [r for r in fb_records if r["ph"] in ("setup", "load")]
        fb_failed = [r for r in fb_traffic if is_error(r)]
        fb_after = [r for r in fb_traffic if t_freeze is not None and r["t"] >= t_freeze]
        fb_first_write_a = min((end(r) for r in fb_after if r["m"] != "GET" and r["st"] in OK
                                and fb_log.get(r["rid"], {}).get("backend") == "region_a"), default=None)
        fb_bad = [r for r in fb_failed if not (r["st"] == 503 and r.get("ra"))]

        def since(x, t0):
            return "-" if x is None or t0 is None else "%+.1f s" % (x - t0)

        kinds = lambda ver: " ".join("%s %d" % (k, ver.get("by_kind", {}).get(k, {}).get("checked", 0)) for k in KINDS)
        self.judged += [
            ("Route 53 stand-in: region A marked down (after the loss)", since(t_down, t)),
            ("first read served by region B through the stand-in (after the loss)",
             "-" if first_read is None else "%+.1f s (%d reads served by B)" % (first_read, len(reads))),
            ("failover command (after the loss)", since(t_failover, t)),
            ("writes refused by region B before the failover: 503 read-only with Retry-After / all",
             "%d / %d" % (read_only, len(refused))),
            ("first write acknowledged after the failover command",
             "-" if first_write is None else "%+.1f s (%d writes acknowledged by B)" % (first_write, len(writes))),
            ("PostgreSQL lag under load before the loss, sampled every 0.2 s: last sample / max (bytes, replay_lag)",
             "%s B, %s s (%.2f s before the loss) / %s B, %s s (%d samples)" % (
                 last.get("pg_bytes", "-"), "-" if last.get("replay_lag_s") is None else "%.3f" % last["replay_lag_s"],
                 t - last["t"] if last else 0, max((s["pg_bytes"] for s in during), default="-"),
                 "%.3f" % max((s.get("replay_lag_s") or 0 for s in during), default=0), len(during))),
            ("PostgreSQL lag at the loss: A's WAL region B never received (pg_waldump of A's files)",
             "%s bytes, %d commits%s; region B had all of A's WAL as of %s" % (
                 unrep.get("bytes", "?"), len(commits),
                 " (committed at %s after the SIGKILLs were sent)" % ", ".join("%+.3f s" % (c - t) for c in commits[:5])
                 if commits else "",
                 "-" if pg_lag_s is None else "%.2f s before the loss" % pg_lag_s)),
            ("Redis lag at the loss: replica's offset behind the last sample / caught up as of",
             "%s bytes / %s" % ("-" if b_redis is None or last.get("a_redis") is None
                                else max(0, last["a_redis"] - b_redis),
                                "-" if redis_lag_s is None else "%.2f s before the loss" % redis_lag_s)),
            ("acknowledged writes lost on B: total / acknowledged by A after B's last complete copy",
             "%d / %d%s" % (len(lost), len(lost) - len(unexplained), acked(lost))),
            ("sessions lost on B: total / created on A after B's last complete copy",
             "%d / %d of %s%s" % (len(slost), len(slost) - len(s_unexplained), v.get("sessions"), acked(slost))),
            ("failback: freeze in B -> A promoted -> stand-in on A -> B a replica of A",
             "%s -> %s -> %s -> %s (from the freeze)" % (
                 "0.0 s", since(self.event_time("promoted-home"), t_freeze), since(self.event_time("routed-home"),
                                                                                   t_freeze),
                 since(self.event_time("standby-again"), t_freeze))),
            ("failback load: requests / failed (503 with Retry-After / other) / first write on A after the freeze",
             "%d / %d (%d / %d) / %s" % (len(fb_traffic), len(fb_failed), len(fb_failed) - len(fb_bad), len(fb_bad),
                                         since(fb_first_write_a, t_freeze))),
            ("on A after the failback: failover load's writes read back, by kind", kinds(av) if av else "-"),
            ("on A after the failback: failback load's writes read back, by kind", kinds(fbv) if fbv else "-"),
            ("on A: lost (of them, lost at the failover already) / duplicated / sessions lost",
             "%d (%d) / %d / %d of %s; failback load: %d / %d / %d of %s" % (
                 len(av.get("lost", [])), len(av.get("lost", [])) - len(new_lost_a), len(av.get("duplicated", [])),
                 len(av.get("sessions_lost", [])), av.get("sessions"), len(fbv.get("lost", [])),
                 len(fbv.get("duplicated", [])), len(fbv.get("sessions_lost", [])), fbv.get("sessions"))),
            ("who leads: A PostgreSQL in recovery / Redis role; B in recovery / Redis role; stand-in on A",
             "%s / %s; %s / %s; %s" % (facts.get("a_in_recovery"), facts.get("a_redis_role"),
                                       facts.get("b_in_recovery"), facts.get("b_redis_role"), facts.get("route53_a"))),
        ]
        self.summary["last_failure"] = "-"

        self.crit(not self.errors_before, "no failed request before the loss (%d)" % len(self.errors_before),
                  self.errors_before)
        self.crit(first_read is not None and first_read <= a.reads_within,
                  "reads served by region B within %.0f s of the loss (first at %s)" % (
                      a.reads_within, "never" if first_read is None else "%+.1f s" % first_read))
        self.crit(first_write is not None and first_write <= a.writes_within,
                  "writes accepted within %.0f s of the failover command (first acknowledged at %s)" % (
                      a.writes_within, "never" if first_write is None else "%+.1f s" % first_write))
        self.crit(not unexplained and len(lost) <= len(commits),
                  "acknowledged writes lost on B (%d) no more than the lag at the loss explains: %d commits of A "
                  "never reached B, and every lost write acknowledged by A after B's last complete copy (%s); %d not"
                  % (len(lost), len(commits), "-" if pg_lag_s is None else "%.2f s before the loss" % pg_lag_s,
                     len(unexplained)))
        self.crit(not v.get("duplicated"), "zero writes duplicated on B (%d)" % len(v.get("duplicated", [])))
        self.crit(not s_unexplained, "zero sessions lost on B but those created on A after B's last complete copy "
                  "(the Redis lag at the loss, %s): %d of %s lost, %d of them older or newer" % (
                      "-" if redis_lag_s is None else "%.2f s" % redis_lag_s, len(slost), v.get("sessions"),
                      len(s_unexplained)))
        unchecked = [k for k in KINDS if not v.get("by_kind", {}).get(k, {}).get("checked")]
        self.crit(v and not unchecked, "every kind of write read back on B: %s" % (
            "unchecked: " + ", ".join(unchecked) if unchecked else "all checked"))
        self.crit(v and not v.get("unverifiable"), "everything acknowledged could be read back on B (%d reads failed)"
                  % len(v.get("unverifiable", [])))
        fb_unchecked = [k for k in KINDS if not fbv.get("by_kind", {}).get(k, {}).get("checked")]
        self.crit(av and fbv and not new_lost_a and not av.get("duplicated") and not new_slost_a
                  and not av.get("unverifiable") and not fbv.get("lost") and not fbv.get("duplicated")
                  and not fbv.get("sessions_lost") and not fbv.get("unverifiable") and not fb_unchecked,
                  "after the failback nothing lost on A: of the failover load %d more writes lost, %d duplicated, "
                  "%d more sessions lost, %d reads failed; of the failback load %d lost, %d duplicated, %d sessions "
                  "lost, %d reads failed%s" % (
                      len(new_lost_a), len(av.get("duplicated", [])), len(new_slost_a),
                      len(av.get("unverifiable", [])), len(fbv.get("lost", [])), len(fbv.get("duplicated", [])),
                      len(fbv.get("sessions_lost", [])), len(fbv.get("unverifiable", [])),
                      "; unchecked kinds: " + ", ".join(fb_unchecked) if fb_unchecked else ""))
        self.crit(fb_verify and fb_verify_a == len(fb_verify), "the failback load's read-back served by region A "
                  "through the stand-in (%d of %d requests)" % (fb_verify_a, len(fb_verify)))
        self.crit(facts.get("a_in_recovery") == "f" and facts.get("a_redis_role") == "master"
                  and facts.get("route53_a") == "UP" and facts.get("a_streams_to_b") is True
                  and facts.get("b_in_recovery") == "t" and facts.get("b_redis_role") == "slave"
                  and facts.get("b_redis_follows_a") is True,
                  "region A primary again (PostgreSQL not in recovery, Redis master, the stand-in routes to it) "
                  "and region B its standby (PostgreSQL streaming from A, Redis replica of A)")
        for name, items in (("lost on B", unexplained), ("sessions lost on B", s_unexplained),
                            ("lost on A after the failback", new_lost_a + fbv.get("lost", [])),
                            ("sessions lost on A after the failback", new_slost_a + fbv.get("sessions_lost", []))):
            for it in items[:5]:
                self.notes.append("   %s: %s" % (name, json.dumps(it)))

    # ------------------------------------------------------------------ common
    def writes(self):
        v = self.v
        lost, dup, slost, unver = v.get("lost", []), v.get("duplicated", []), v.get("sessions_lost", []), \
            v.get("unverifiable", [])
        by_kind = v.get("by_kind", {})
        unchecked = [k for k in KINDS if not by_kind.get(k, {}).get("checked")]
        self.crit(not lost, "zero acknowledged writes lost (%d)" % len(lost))
        self.crit(not dup, "zero writes duplicated (%d)" % len(dup))
        self.crit(not slost, "zero sessions lost (%d of %s)" % (len(slost), v.get("sessions")))
        self.crit(v and not unchecked, "every kind of write read back (%s): %s" % (
            ", ".join(KINDS), "unchecked: " + ", ".join(unchecked) if unchecked else "all checked"))
        if self.a.drill not in ("c1", "c2"):
            self.crit(not self.unauthorized, "no 401 (%d)" % len(self.unauthorized), self.unauthorized)
        self.crit(v and not unver, "everything acknowledged could be read back (%d reads failed)" % len(unver))
        return lost, dup, slost, unver, by_kind

    def rows(self, lost, dup, slost, by_kind):
        during = [r for r in self.traffic if r["t"] >= self.t_fault]
        lat = [r["d"] for r in during if not r.get("err")]
        statuses = Counter(str(r["st"]) for r in self.traffic if not r.get("err"))
        client_errors = Counter(r["err"].split(":")[0] for r in self.traffic if r.get("err"))
        lb_retried = [h for h in self.haproxy.values() if h["retries"] > 0 or h["redispatched"]]
        checked = self.v.get("checked", {})
        kinds = " ".join("%s %d%s" % (k, by_kind[k]["checked"], "" if not (by_kind[k]["lost"] or by_kind[k]["duplicated"])
                                      else " (%d lost, %d dup)" % (by_kind[k]["lost"], by_kind[k]["duplicated"]))
                         for k in KINDS if k in by_kind) or "-"
        self.stats = {"requests": len(self.traffic), "statuses": dict(statuses),
                      "client_errors": sum(client_errors.values()), "failed": len(self.errors),
                      "p50_ms": fmt_ms(pct(lat, 0.5)), "p99_ms": fmt_ms(pct(lat, 0.99)), "lb_retries": len(lb_retried)}
        return [
            ("requests (attempts, setup included)", str(len(self.traffic))),
            ("responses by status", " ".join("%s=%d" % kv for kv in sorted(statuses.items()))),
            ("client-side errors", " ".join("%s=%d" % kv for kv in sorted(client_errors.items())) or "0"),
            ("failed requests (total / after the fault)", "%d / %d" % (len(self.errors), len(self.errors_after))),
            ("failures after the fault, by status (last one ended)",
             " ".join("%s=%d (%+.1fs)" % (k, n, last) for k, n, last in
                      failure_breakdown(self.errors_after, self.t_fault)) or "-"),
            ("p50 / p99 during the drill (ms)", "%s / %s" % (fmt_ms(pct(lat, 0.5)), fmt_ms(pct(lat, 0.99)))),
            ("load-balancer retries / redispatches", "%d" % len(lb_retried)),
        ] + self.judged + [
            ("acknowledged writes", str(self.result["acknowledged_writes"])),
            ("writes read back, by kind", kinds),
            ("acknowledged writes lost / writes duplicated", "%d / %d" % (len(lost), len(dup))),
            ("sessions lost", "%d of %s" % (len(slost), self.v.get("sessions"))),
            ("writes never acknowledged (client gave up) / applied anyway", "%d / %d" % (
                self.result.get("gave_up", 0), sum(n for k, n in checked.items() if k.endswith("applied")))),
        ]

    def render(self, rows, lost, dup, slost, unver):
        a = self.a
        fault_desc = "; ".join("%+.1fs %s %s" % (e[0] - self.t_fault, e[1], e[2]) for e in self.events)
        width = max(len(k) for k, _ in rows)
        out = ["", "== drill %s: %s" % (a.drill, a.title)]
        if a.conditions:
            out.append("   conditions: " + a.conditions)
        out.append("   timeline: " + (fault_desc or "-"))
        out.append("   | %-*s | %s" % (width, "metric", "value"))
        out.append("   |-%s-|-%s" % ("-" * width, "-" * 30))
        for k, val in rows:
            out.append("   | %-*s | %s" % (width, k, val))
        for ok, text, _ in self.criteria:
            out.append("   %s  %s" % ("PASS" if ok else "FAIL", text))
        if self.result.get("anomalies"):
            out.append("   note: %d retried writes were answered as if the first attempt had not run:"
                       % len(self.result["anomalies"]))
            for an in self.result["anomalies"][:5]:
                out.append("     %s" % json.dumps(an))
        for ok, text, evidence in self.criteria:
            if ok or not evidence:
                continue
            out.append("   evidence for FAIL '%s' (first %d of %d):" % (text.split(" (")[0], min(3, len(evidence)),
                                                                        len(evidence)))
            for r in evidence[:3]:
                out.append("     request: %s %s op=%s attempt=%s t=%+.3fs dur=%.3fs status=%s err=%s retry-after=%s "
                           "key=%s rid=%s" % (r["m"], r["r"], r["op"], r["a"], r["t"] - self.t_fault, r["d"], r["st"],
                                               r.get("err"), r.get("ra"), (r.get("ik") or "-")[:8], r["rid"]))
                if r.get("body"):
                    out.append("       body: %s" % r["body"])
                h = self.haproxy.get(r["rid"])
                out.append("       haproxy: %s" % (h["line"] if h else "(no log line)"))
                for line in app_lines(a.cluster_dir, r["rid"], 4):
                    out.append("       " + line)
        for name, items in (("lost", lost), ("duplicated", dup), ("sessions lost", slost), ("unverifiable", unver)):
            for it in items[:5]:
                out.append("   %s: %s" % (name, json.dumps(it)))
        out.extend(self.notes)
        return "\n".join(out)

    def run(self):
        d = self.a.drill
        {"a": self.drill_a, "b": self.drill_b, "c1": self.drill_c, "c2": self.drill_c, "d": self.drill_d,
         "e": self.drill_e, "f": self.drill_f}[d]()
        if d == "f":  # its own criteria on what was lost: the replication lag at the loss may explain some
            v = self.v
            lost, dup, slost, unver = v.get("lost", []), v.get("duplicated", []), v.get("sessions_lost", []), \
                v.get("unverifiable", [])
            by_kind = v.get("by_kind", {})
        else:
            lost, dup, slost, unver, by_kind = self.writes()
        rows = self.rows(lost, dup, slost, by_kind)
        print(self.render(rows, lost, dup, slost, unver))
        passed = all(ok for ok, _, _ in self.criteria)
        if self.a.summary:
            with open(self.a.summary, "a") as f:
                f.write(json.dumps(dict(
                    self.stats, drill=d, title=self.a.title, conditions=self.a.conditions, **{"pass": passed},
                    lost=len(lost), duplicated=len(dup), sessions_lost=len(slost),
                    last_failure=self.summary.get("last_failure", "none"),
                    failed_allowed=self.summary.get("failed_allowed", "-"),
                    retries_answered=self.summary.get("retries_answered", "-"),
                    max_outage_ms=self.summary.get("max_outage_ms", "-"),
                    failed_criteria=[t for ok, t, _ in self.criteria if not ok])) + "\n")
        return 0 if passed else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--drill", required=True, choices=("a", "b", "c1", "c2", "d", "e", "f"))
    p.add_argument("--title", required=True)
    p.add_argument("--load", required=True, help="the load driver's --out directory")
    p.add_argument("--cluster-dir", required=True)
    p.add_argument("--summary", default="", help="append a one-line JSON summary here")
    p.add_argument("--conditions", default="", help="how the drill ran (CPU busy), printed with the report")
    p.add_argument("--kill-window", type=float, default=2.5, help="drill a: failures only this many s after the kill")
    p.add_argument("--retry-answer", type=float, default=2.0,
                   help="drill a: a retry of a write that died in flight answered for good this many s after the kill")
    p.add_argument("--confine", type=float, default=5.0, help="drill c: errors only within this many s of the fault")
    p.add_argument("--after-endpoint", type=float, default=2.0,
                   help="drill c: errors only until this many s after the endpoint routes to the new primary")
    p.add_argument("--recover", type=float, default=3.0, help="drill d: error-free this many s after PostgreSQL is back")
    p.add_argument("--rotation-window", type=float, default=5.0,
                   help="drill e: failures only this many s after a secret changed on its server")
    p.add_argument("--answer-within", type=float, default=1.0, help="drill d: answers while PostgreSQL is down (s)")
    p.add_argument("--haproxy-log", default="", help="the HAProxy log with the load's requests (default: the ALB's)")
    p.add_argument("--failback-load", default="", help="drill f: the failback load's --out directory")
    p.add_argument("--on-a", default="", help="drill f: the --verify-ledger output of the failover load on region A")
    p.add_argument("--facts", default="", help="drill f: the drill's measurements (facts.jsonl)")
    p.add_argument("--lag", default="", help="drill f: lag.py's samples")
    p.add_argument("--reads-within", type=float, default=15.0, help="drill f: reads served by B this many s after the loss")
    p.add_argument("--writes-within", type=float, default=60.0,
                   help="drill f: writes accepted this many s after the failover command")
    a = p.parse_args()
    if not os.path.exists(os.path.join(a.load, "result.json")):
        print("\n== drill %s: %s\n   FAIL  the load driver wrote no result (see %s/load.log)"
              % (a.drill, a.title, a.load))
        if a.summary:
            with open(a.summary, "a") as f:
                f.write(json.dumps({"drill": a.drill, "title": a.title, "pass": False, "requests": "-", "failed": "-",
                                    "client_errors": "-", "p50_ms": "-", "p99_ms": "-", "lost": "-",
                                    "duplicated": "-", "sessions_lost": "-", "lb_retries": "-", "last_failure": "-",
                                    "failed_allowed": "-", "retries_answered": "-", "max_outage_ms": "-",
                                    "failed_criteria": ["the load driver wrote no result"]}) + "\n")
        return 1
    return Report(a).run()


if __name__ == "__main__":
    sys.exit(main())
