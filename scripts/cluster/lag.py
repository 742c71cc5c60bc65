#!/usr/bin/env python3
"""Samples the replication lag between two regions' PostgreSQL and Redis, for the region drill
(scripts/cluster/region-drill.sh, docs/cluster.md). Python 3 standard library (psql for SQL).

    lag.py --pg-a SOCKETDIR:PORT --pg-b SOCKETDIR:PORT --redis-a PORT --redis-b PORT --out FILE

Every --interval seconds, one JSON line: A's pg_current_wal_lsn() and the lags A's walsender
reports for the standby (write_lag, replay_lag, from pg_stat_replication), then the standby's
pg_last_wal_receive_lsn() and pg_last_wal_replay_lsn(); A's Redis master_repl_offset, then the
replica's offset. A is read first, so a sample's bytes of lag (A's position minus B's) is never
more than the lag was. A part that does not answer (region A after its loss) is null in the sample;
sampling goes on until SIGTERM or --stop-file. REDISCLI_AUTH is the password of the Redis user
--redis-user (the operator's).
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import time

PG_BIN = os.environ.get("PG_BIN", "")


def lsn(text):
    """'16/B374D848' -> an integer byte position."""
    hi, lo = text.split("/")
    return (int(hi, 16) << 32) + int(lo, 16)


def psql(target, sql):
    """One statement as postgres over the unix socket; the fields of its single row, or None."""
    sockdir, port = target.rsplit(":", 1)
    try:
        out = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t", "-F", "|", "-h", sockdir, "-p",
                              port, "-U", "postgres", "-d", "postgres", "-c", sql],
                             capture_output=True, text=True, timeout=1.0)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return out.stdout.strip().split("\n")[0].split("|")


class Redis:
    """INFO replication over a kept connection (reopened after any failure)."""

    def __init__(self, port, user, password):
        self.port, self.user, self.password = port, user, password
        self.sock = None

    def command(self, *args):
        payload = "*%d\r\n" % len(args) + "".join("$%d\r\n%s\r\n" % (len(a.encode()), a) for a in args)
        self.sock.sendall(payload.encode())
        head = b""
        while not head.endswith(b"\r\n"):
            chunk = self.sock.recv(1)
            if not chunk:
                raise OSError("closed")
            head += chunk
        if head[:1] in (b"+", b"-", b":"):
            if head[:1] == b"-":
                raise OSError(head.decode().strip())
            return head[1:-2].decode()
        size = int(head[1:-2])
        body = b""
        while len(body) < size + 2:
            chunk = self.sock.recv(size + 2 - len(body))
            if not chunk:
                raise OSError("closed")
            body += chunk
        return body[:-2].decode()

    def info(self):
        try:
            if self.sock is None:
                self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=0.5)
                self.command("AUTH", self.user, self.password)
            fields = dict(line.split(":", 1) for line in self.command("INFO", "replication").splitlines()
                          if ":" in line)
            return fields
        except (OSError, ValueError):
            if self.sock is not None:
                self.sock.close()
            self.sock = None
            return None


def sample(a, redis_a, redis_b):
    t = time.time()
    row = {"t": round(t, 4)}
    pa = psql(a.pg_a, "select pg_current_wal_lsn(), coalesce(extract(epoch from write_lag), 0), "
                      "coalesce(extract(epoch from replay_lag), 0) from pg_stat_replication "
                      "where application_name = '%s' union all select pg_current_wal_lsn(), null, null "
                      "limit 1" % a.standby_name)
    if pa:
        row["a_lsn"] = lsn(pa[0])
        row["write_lag_s"] = float(pa[1]) if pa[1] else None
        row["replay_lag_s"] = float(pa[2]) if pa[2] else None
    ia = redis_a.info()
    if ia and "master_repl_offset" in ia:
        row["a_redis"] = int(ia["master_repl_offset"])
    pb = psql(a.pg_b, "select pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()")
    if pb and pb[0] and pb[1]:
        row["b_recv"], row["b_replay"] = lsn(pb[0]), lsn(pb[1])
    ib = redis_b.info()
    if ib and "slave_repl_offset" in ib:
        row["b_redis"] = int(ib["slave_repl_offset"])
    if "a_lsn" in row and "b_replay" in row:
        row["pg_bytes"] = max(0, row["a_lsn"] - row["b_replay"])
    if "a_redis" in row and "b_redis" in row:
        row["redis_bytes"] = max(0, row["a_redis"] - row["b_redis"])
    return row


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pg-a", required=True, help="the primary's unix socket dir:port")
    p.add_argument("--pg-b", required=True, help="the standby's unix socket dir:port")
    p.add_argument("--standby-name", default="region-b", help="the standby's application_name on the primary")
    p.add_argument("--redis-a", type=int, required=True)
    p.add_argument("--redis-b", type=int, required=True)
    p.add_argument("--redis-user", default="admin")
    p.add_argument("--interval", type=float, default=0.1)
    p.add_argument("--out", required=True)
    p.add_argument("--stop-file", default="")
    a = p.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    password = os.environ.get("REDISCLI_AUTH", "")
    redis_a, redis_b = Redis(a.redis_a, a.redis_user, password), Redis(a.redis_b, a.redis_user, password)
    with open(a.out, "a") as f:
        while not stop and not (a.stop_file and os.path.exists(a.stop_file)):
            t0 = time.monotonic()
            f.write(json.dumps(sample(a, redis_a, redis_b), separators=(",", ":")) + "\n")
            f.flush()
            time.sleep(max(0.0, a.interval - (time.monotonic() - t0)))


if __name__ == "__main__":
    main()
