#!/usr/bin/env python3
"""Steady, realistic load against the Conduit API, with every acknowledged write accounted for.

Used by scripts/cluster/drills.sh (docs/cluster.md); runs on its own too:

    python3 scripts/cluster/load.py --url http://127.0.0.1:18080 --duration 30 --out /tmp/load

Many users with their own session tokens run a mix of reads (article lists by page, tag and
author, single articles, feed, profiles, comments, tags, the current user) and writes (register,
login, create article, comment, favorite, follow, update bio, delete article). Every write carries
an Idempotency-Key (a uuid) and is retried the way a good client does: the same key, on a
connection error, a 5xx, a 429 or a 409 "still running", with bounded exponential backoff that
honours Retry-After. Every attempt is one request in the statistics.

Each write is recorded; once the load stops, the driver reads everything back through the API
and checks, per kind, that each acknowledged one is there exactly once: registrations (the
profile exists), sessions (every token from a registration or login still works: GET /api/user =
200), articles (by title in the author's list, under the acknowledged slug), deletes (404 and no
longer listed), comments (by body, with the acknowledged id), favorites (in the user's favorited
list, and each article's favoritesCount equal to the users who have it there, so a favorite
applied twice shows), follows (the profile seen by the follower) and bios (the last acknowledged
one). Writes that were never acknowledged may or may not have happened: they must appear at most
once.

Each request goes over a new connection to the load balancer (--keepalive reuses them). The reason
is HAProxy, not the app: when a request that is not the first on a client keep-alive connection
dies with its server, HAProxy closes the client connection silently and logs nothing (its
"abort_keep_alive", so that a browser retries), where the ALB answers 502. With one connection per
request HAProxy answers 502 and logs the request with its server, which drill a needs in order
to tell requests in flight on the killed instance from any other failure.

Output (--out DIR): requests.jsonl (one line per attempt), result.json (summary and
verification), and a short summary on stdout. Stop it early by creating --stop-file or with SIGTERM;
the verification still runs. Python 3 standard library only.
"""

import argparse
import http.client
import json
import os
import random
import signal
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict

PASSWORD = "drill-password-1"
TAGS = ["ha", "drill", "redis", "postgres", "haproxy", "java", "aws", "failover"]


class Recorder:
    """Every HTTP attempt, as a small dict; appended from many threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.records = []

    def add(self, rec):
        with self.lock:
            self.records.append(rec)


class Client:
    """One keep-alive connection to the load balancer; reconnects after any failure."""

    def __init__(self, host, port, timeout, recorder, phase, keepalive=False):
        self.host, self.port, self.timeout = host, port, timeout
        self.keepalive = keepalive
        self.recorder = recorder
        self.phase = phase  # "setup", "load" or "verify": only setup and load count as drill traffic
        self.conn = None

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
        self.conn = None

    def call(self, method, path, route, op, body=None, token=None, idem=None, attempt=1):
        """One attempt. Returns (status, headers, json_or_None, error_or_None)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        rid = str(uuid.uuid4())
        headers = {"Accept": "application/json", "X-Request-Id": rid}
        if not self.keepalive:
            headers["Connection"] = "close"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Token " + token
        if idem:
            headers["Idempotency-Key"] = idem
        t0 = time.time()
        m0 = time.monotonic()
        status, hdrs, payload, err = 0, {}, None, None
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
            status = resp.status
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            if raw:
                try:
                    payload = json.loads(raw)
                except ValueError:
                    payload = {"_raw": raw[:300].decode("utf-8", "replace")}
            if not self.keepalive or hdrs.get("connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException) as e:
            err = type(e).__name__ + (": " + str(e) if str(e) else "")
            self.close()
        dur = time.monotonic() - m0
        rec = {"t": round(t0, 4), "d": round(dur, 5), "m": method, "r": route, "op": op, "st": status,
               "rid": rid, "ph": self.phase, "a": attempt}
        if err:
            rec["err"] = err[:200]
        if idem:
            rec["ik"] = idem
        if status >= 400 or err:
            if "retry-after" in hdrs:
                rec["ra"] = hdrs["retry-after"]
            if payload is not None:
                rec["body"] = json.dumps(payload)[:300]
        if hdrs.get("idempotent-replayed"):
            rec["replayed"] = True
        self.recorder.add(rec)
        return status, hdrs, payload, err


def in_progress(payload):
    return isinstance(payload, dict) and "Idempotency-Key" in json.dumps(payload) and "running" in json.dumps(payload)


def carried_out(payload):
    """409: an earlier attempt with this key committed, but its response was lost or is not kept
    (registration: it carries a token); the request was not run again."""
    return isinstance(payload, dict) and "Idempotency-Key" in json.dumps(payload) and "carried out" in json.dumps(payload)


class Verification:
    """What the read-back found: per kind of write, how many were checked, lost and duplicated."""

    def __init__(self, client, acked_at=None, token_at=None):
        self.client = client
        self.acked_at = acked_at or {}  # "kind what" -> epoch of the acknowledgment (Driver.stamp)
        self.token_at = token_at or {}  # token -> epoch its registration or login was acknowledged
        self.checked = Counter()
        self.lost, self.duplicated, self.sessions_lost, self.unverifiable = [], [], [], []
        self.sessions = 0

    def get(self, path, token=None, want=(200,)):
        st, payload = 0, None
        for attempt in range(1, 8):
            st, _, payload, err = self.client.call("GET", path, "verify", "verify", token=token, attempt=attempt)
            if st in want or st in (401, 404):
                return st, payload
            time.sleep(min(0.25 * 2 ** attempt, 2))
        return st, payload

    def any_token(self, tokens):
        """A token that works (sessions are checked apart); else the first."""
        for t in tokens:
            if self.get("/api/user", t)[0] == 200:
                return t
        return tokens[0] if tokens else None

    def check(self, kind, status, what, lost=False, dup=False, **details):
        """One acknowledged write of this kind, read back."""
        if status not in (200, 404):
            self.unverifiable.append({"what": "%s %s" % (kind, what), "status": status})
            return
        self.checked[kind] += 1
        if lost:
            self.lost.append(dict(kind=kind, what=what, acked_at=self.acked_at.get("%s %s" % (kind, what)), **details))
        if dup:
            self.duplicated.append(dict(kind=kind, what=what, **details))

    def unacknowledged(self, kind, applied, dup=False, **details):
        """One write of this kind never acknowledged: it may have happened, at most once."""
        self.checked[kind + " (unacknowledged)"] += 1
        if applied:
            self.checked[kind + " (unacknowledged) applied"] += 1
        if dup:
            self.duplicated.append(dict(kind=kind, unacknowledged=True, **details))

    def result(self, kinds):
        by_kind = {k: {"checked": self.checked[k], "lost": sum(1 for x in self.lost if x["kind"] == k),
                       "duplicated": sum(1 for x in self.duplicated if x["kind"] == k)} for k in kinds}
        by_kind["session"]["lost"] = len(self.sessions_lost)
        return {"lost": self.lost, "duplicated": self.duplicated, "sessions_lost": self.sessions_lost,
                "unverifiable": self.unverifiable, "checked": dict(self.checked), "by_kind": by_kind,
                "sessions": self.sessions}


class Driver:
    def __init__(self, args):
        self.args = args
        u = urllib.parse.urlparse(args.url)
        self.host, self.port = u.hostname, u.port or 80
        self.recorder = Recorder()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.prefix = args.prefix or ("d" + uuid.uuid4().hex[:8])
        self.users = {}            # username -> {"tokens": [...], "worker": i}
        self.public = []           # slugs of acknowledged, never-deleted articles (targets of reads)
        self.seq = 0
        # The ledger of writes: what was acknowledged, and what was tried without an answer.
        self.ack_articles = {}     # title -> {"slug", "author", "deleted": bool}
        self.unk_articles = {}     # title -> author (never acknowledged)
        self.ack_comments = {}     # body -> {"slug", "id"}
        self.unk_comments = {}     # body -> slug
        self.ack_favorites = set()  # (user, slug)
        self.tried_favorites = set()  # (user, slug), acknowledged or not
        self.ack_registrations = set()  # usernames
        self.unk_registrations = set()  # usernames tried without an answer
        self.ack_follows = set()    # (follower, followee)
        self.bio_ack = {}           # user -> last acknowledged bio
        self.bio_after = defaultdict(list)  # user -> bios tried (unacknowledged) after that
        self.ack_deletes = set()    # slugs
        self.unk_deletes = set()
        self.anomalies = []         # retries answered as if the first attempt had not run, etc.
        self.acked_at = {}          # "kind what" -> when it was acknowledged (what: as verify names it)
        self.token_at = {}          # token -> when the registration or login that made it was acknowledged
        self.late = []              # writes given up on, for --late-retry
        self.outcomes = Counter()   # (op, outcome)
        self.rng = random.Random(args.seed)

    # ------------------------------------------------------------------ helpers
    def stamp(self, kind, what):
        """Records when a write was acknowledged: a region drill tells a write lost with the replica's
        lag (acknowledged just before the loss) from one lost otherwise."""
        with self.lock:
            self.acked_at["%s %s" % (kind, what)] = time.time()

    def next_id(self):
        with self.lock:
            self.seq += 1
            return self.seq

    def write(self, client, op, method, path, route, body, token, ok, rng, late=None):
        """A write the way a good client sends it. Returns (outcome, status, payload).

        late: for --late-retry, what to do with the payload if a retry long after giving up succeeds."""
        key = str(uuid.uuid4())
        deadline = time.monotonic() + self.args.write_budget
        delay = 0.2
        status, payload = 0, None
        seen_ambiguous = False
        for attempt in range(1, self.args.write_attempts + 1):
            status, hdrs, payload, err = client.call(method, path, route, op, body, token, key, attempt)
            if status in ok:
                self.outcomes[(op, "ack")] += 1
                return "ack", status, payload
            if status == 409 and carried_out(payload):
                # applied, but unacknowledged: verification finds it among "applied anyway"
                self.outcomes[(op, "carried-out")] += 1
                return "unknown", status, payload
            retryable = err is not None or status >= 500 or status == 429 or (status == 409 and in_progress(payload))
            if not retryable:
                if seen_ambiguous:
                    self.anomalies.append({"op": op, "path": path, "key": key, "status": status,
                                           "body": json.dumps(payload)[:300],
                                           "why": "a retry with the same Idempotency-Key was answered as if the "
                                                  "first attempt had not run"})
                self.outcomes[(op, "rejected-%d" % status)] += 1
                return "rejected", status, payload
            if err is not None or status >= 500:
                seen_ambiguous = True
            if self.stop.is_set() and self.args.stop_grace <= 0:
                break
            wait = delay
            ra = hdrs.get("retry-after") if hdrs else None
            if ra:
                try:
                    wait = max(wait, min(float(ra), 2.0))
                except ValueError:
                    pass
            wait = wait * (0.75 + rng.random() * 0.5)
            if time.monotonic() + wait > deadline:
                break
            time.sleep(wait)
            delay = min(delay * 2, 2.0)
        self.outcomes[(op, "gave-up")] += 1
        if late is not None:
            with self.lock:
                self.late.append({"op": op, "method": method, "path": path, "route": route, "body": body,
                                  "token": token, "key": key, "ok": ok, "apply": late})
        return "unknown", status, payload

    # ------------------------------------------------------------------ setup
    def register(self, client, worker, rng):
        name = "%su%d" % (self.prefix, self.next_id())
        body = {"user": {"username": name, "email": name + "@drill.test", "password": PASSWORD}}
        outcome, st, payload = self.write(client, "register", "POST", "/api/users", "POST /api/users", body, None,
                                          (201,), rng)
        if outcome == "ack":
            with self.lock:
                self.users[name] = {"tokens": [payload["user"]["token"]], "worker": worker}
                self.ack_registrations.add(name)
                self.token_at[payload["user"]["token"]] = time.time()
            self.stamp("registration", name)
            return name
        if outcome == "unknown":
            with self.lock:
                self.unk_registrations.add(name)
        if outcome == "rejected" and st == 409:
            # taken: our own first attempt registered it; log in instead (and it is an anomaly)
            if self.login(client, name, rng, worker):
                return name
        return None

    def login(self, client, name, rng, worker=None):
        body = {"user": {"email": name + "@drill.test", "password": PASSWORD}}
        outcome, st, payload = self.write(client, "login", "POST", "/api/users/login", "POST /api/users/login", body,
                                          None, (200,), rng)
        if outcome == "ack":
            with self.lock:
                u = self.users.setdefault(name, {"tokens": [], "worker": worker})
                u["tokens"].append(payload["user"]["token"])
                self.token_at[payload["user"]["token"]] = time.time()
            return True
        return False

    def create_article(self, client, name, rng, ephemeral=False):
        title = "%s %s article %d %s" % (self.prefix, name, self.next_id(), "ephemeral" if ephemeral else "")
        title = title.strip()
        tags = rng.sample(TAGS, rng.randint(1, 3)) + (["ephemeral"] if ephemeral else [])
        body = {"article": {"title": title, "description": "drill article by " + name,
                            "body": "Body of %s. " % title + "lorem ipsum " * rng.randint(5, 60),
                            "tagList": tags}}
        with self.lock:
            self.unk_articles[title] = name

        def acknowledged(payload):
            slug = payload["article"]["slug"]
            with self.lock:
                self.unk_articles.pop(title, None)
                self.ack_articles[title] = {"slug": slug, "author": name, "ephemeral": ephemeral, "deleted": False}
                if not ephemeral:
                    self.public.append(slug)
            self.stamp("article", title)
            return slug

        outcome, st, payload = self.write(client, "create_article", "POST", "/api/articles", "POST /api/articles",
                                          body, self.token(name, rng), (201,), rng, late=acknowledged)
        if outcome == "ack":
            return acknowledged(payload)
        if outcome == "rejected":
            with self.lock:
                self.unk_articles.pop(title, None)
        return None

    def token(self, name, rng):
        with self.lock:
            return rng.choice(self.users[name]["tokens"])

    # ------------------------------------------------------------------ the mix
    def pick_public(self, rng):
        with self.lock:
            return rng.choice(self.public) if self.public else None

    def pick_user(self, rng, other_than=None):
        with self.lock:
            names = [n for n in self.users if n != other_than]
        return rng.choice(names) if names else None

    def op_read(self, client, kind, name, rng):
        anon = rng.random() < 0.4
        token = None if anon else self.token(name, rng)
        if kind == "list":
            off = rng.choice([0, 0, 0, 10, 20])
            client.call("GET", "/api/articles?limit=20&offset=%d" % off, "GET /api/articles", "list", token=token)
        elif kind == "list_tag":
            client.call("GET", "/api/articles?limit=10&tag=" + rng.choice(TAGS), "GET /api/articles?tag",
                        "list_tag", token=token)
        elif kind == "list_author":
            author = self.pick_user(rng) or name
            client.call("GET", "/api/articles?limit=10&author=" + urllib.parse.quote(author),
                        "GET /api/articles?author", "list_author", token=token)
        elif kind == "article":
            slug = self.pick_public(rng)
            if slug:
                client.call("GET", "/api/articles/" + slug, "GET /api/articles/{slug}", "article", token=token)
        elif kind == "comments":
            slug = self.pick_public(rng)
            if slug:
                client.call("GET", "/api/articles/%s/comments" % slug, "GET /api/articles/{slug}/comments",
                            "comments", token=token)
        elif kind == "profile":
            other = self.pick_user(rng) or name
            client.call("GET", "/api/profiles/" + urllib.parse.quote(other), "GET /api/profiles/{username}",
                        "profile", token=token)
        elif kind == "tags":
            client.call("GET", "/api/tags", "GET /api/tags", "tags")
        elif kind == "feed":
            client.call("GET", "/api/articles/feed?limit=10", "GET /api/articles/feed", "feed",
                        token=self.token(name, rng))
        elif kind == "user":
            client.call("GET", "/api/user", "GET /api/user", "user", token=self.token(name, rng))

    def op_write(self, client, kind, name, rng, worker, own_ephemeral):
        if kind == "create_article":
            eph = rng.random() < 0.35
            slug = self.create_article(client, name, rng, ephemeral=eph)
            if slug and eph:
                own_ephemeral.setdefault(name, []).append(slug)
        elif kind == "comment":
            slug = self.pick_public(rng)
            if not slug:
                return
            text = "%s comment %d by %s" % (self.prefix, self.next_id(), name)
            with self.lock:
                self.unk_comments[text] = slug

            def acknowledged(payload):
                with self.lock:
                    self.unk_comments.pop(text, None)
                    self.ack_comments[text] = {"slug": slug, "id": payload["comment"]["id"]}
                self.stamp("comment", text)

            outcome, st, payload = self.write(client, "comment", "POST", "/api/articles/%s/comments" % slug,
                                              "POST /api/articles/{slug}/comments", {"comment": {"body": text}},
                                              self.token(name, rng), (201,), rng, late=acknowledged)
            if outcome == "ack":
                acknowledged(payload)
            elif outcome == "rejected":
                with self.lock:
                    self.unk_comments.pop(text, None)
        elif kind == "favorite":
            slug = self.pick_public(rng)
            if not slug:
                return
            with self.lock:
                self.tried_favorites.add((name, slug))
            outcome, _, _ = self.write(client, "favorite", "POST", "/api/articles/%s/favorite" % slug,
                                       "POST /api/articles/{slug}/favorite", None, self.token(name, rng), (200,), rng)
            if outcome == "ack":
                with self.lock:
                    self.ack_favorites.add((name, slug))
                self.stamp("favorite", "%s %s" % (name, slug))
        elif kind == "follow":
            other = self.pick_user(rng, other_than=name)
            if not other:
                return
            outcome, _, _ = self.write(client, "follow", "POST", "/api/profiles/%s/follow" % urllib.parse.quote(other),
                                       "POST /api/profiles/{username}/follow", None, self.token(name, rng), (200,), rng)
            if outcome == "ack":
                with self.lock:
                    self.ack_follows.add((name, other))
                self.stamp("follow", "%s->%s" % (name, other))
        elif kind == "update_bio":
            bio = "%s bio %d of %s" % (self.prefix, self.next_id(), name)
            with self.lock:
                self.bio_after[name].append(bio)
            outcome, _, payload = self.write(client, "update_bio", "PUT", "/api/user", "PUT /api/user",
                                             {"user": {"bio": bio}}, self.token(name, rng), (200,), rng)
            with self.lock:
                if outcome == "ack":
                    self.bio_ack[name] = bio
                    self.bio_after[name] = []
                    self.acked_at["bio " + name] = time.time()
                elif outcome == "rejected":
                    self.bio_after[name].remove(bio)
        elif kind == "delete_article":
            slugs = own_ephemeral.get(name) or []
            if not slugs:
                self.op_write(client, "create_article", name, rng, worker, own_ephemeral)
                return
            slug = slugs.pop(0)
            outcome, st, _ = self.write(client, "delete_article", "DELETE", "/api/articles/" + slug,
                                        "DELETE /api/articles/{slug}", None, self.token(name, rng), (204,), rng)
            with self.lock:
                if outcome == "ack":
                    self.ack_deletes.add(slug)
                    self.acked_at["delete " + slug] = time.time()
                elif outcome == "unknown" or (outcome == "rejected" and st == 404):
                    self.unk_deletes.add(slug)
        elif kind == "login":
            self.login(client, name, rng, worker)
        elif kind == "register":
            new = self.register(client, worker, rng)
            if new:
                with self.lock:
                    self.users[new]["worker"] = worker

    MIX = [  # (weight, kind, is_write)
        (14, "list", False), (5, "list_tag", False), (5, "list_author", False), (12, "article", False),
        (8, "feed", False), (6, "profile", False), (8, "comments", False), (4, "tags", False), (4, "user", False),
        (8, "create_article", True), (8, "comment", True), (4, "favorite", True), (4, "follow", True),
        (3, "update_bio", True), (3, "delete_article", True), (2, "login", True), (1, "register", True),
    ]

    def worker(self, i, start_gate, reader=False):
        """One client: a user's reads and writes one at a time (a write being retried holds it), or,
        with reader, only reads (a visitor who never writes: reads go on while writers retry)."""
        rng = random.Random(self.args.seed * 1000 + i)
        client = Client(self.host, self.port, self.args.timeout, self.recorder, "load", self.args.keepalive)
        start_gate.wait()
        interval = self.args.workers / float(self.args.rate)
        nxt = time.monotonic() + rng.random() * interval
        own_ephemeral = {}
        mix = [m for m in self.MIX if not (reader and m[2])]
        weights = [w for w, _, _ in mix]
        while not self.stop.is_set():
            now = time.monotonic()
            if nxt > now:
                time.sleep(nxt - now)
            elif now - nxt > 1.0:
                nxt = now  # fell behind (slow responses): do not burst to catch up
            nxt += interval
            if self.stop.is_set():
                break
            with self.lock:
                mine = [n for n, u in self.users.items() if u["worker"] == i or reader]
            if not mine:
                if not reader:
                    self.register(client, i, rng)
                continue
            name = rng.choice(mine)
            _, kind, is_write = rng.choices(mix, weights=weights)[0]
            try:
                if is_write:
                    self.op_write(client, kind, name, rng, i, own_ephemeral)
                else:
                    self.op_read(client, kind, name, rng)
            except Exception as e:  # a bug in the driver must not look like an API failure
                print("driver error in worker %d (%s): %r" % (i, kind, e), file=sys.stderr)
        client.close()

    def setup(self):
        """Registers the users (each worker its share) and one public article each."""
        per = [self.args.users // self.args.workers + (1 if k < self.args.users % self.args.workers else 0)
               for k in range(self.args.workers)]

        def work(i):
            rng = random.Random(self.args.seed * 7 + i)
            client = Client(self.host, self.port, self.args.timeout, self.recorder, "setup", self.args.keepalive)
            for _ in range(per[i]):
                name = self.register(client, i, rng)
                if name:
                    self.create_article(client, name, rng)
            client.close()

        threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(self.args.workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        return len(self.users)

    # ------------------------------------------------------------------ verification
    KINDS = ("registration", "session", "article", "delete", "comment", "favorite", "follow", "bio")

    def verify(self):
        """Reads every write back through the API: each acknowledged one must be there exactly once,
        each unacknowledged one at most once. Checked per kind of write (KINDS)."""
        v = Verification(Client(self.host, self.port, self.args.timeout, self.recorder, "verify"), self.acked_at,
                         self.token_at)
        self.verify_users(v)
        tokens = {name: v.any_token(self.users[name]["tokens"]) for name in self.users}
        self.verify_articles(v, tokens)
        self.verify_comments(v)
        self.verify_favorites(v, tokens)
        self.verify_follows(v, tokens)
        self.verify_bios(v, tokens)
        v.client.close()
        return v.result(self.KINDS)

    def verify_users(self, v):
        """Registrations (the user exists) and sessions (every token ever acknowledged still works)."""
        for name in sorted(self.ack_registrations):
            st, _ = v.get("/api/profiles/" + urllib.parse.quote(name))
            v.check("registration", st, name, lost=st == 404)
        for name in sorted(self.unk_registrations - self.ack_registrations):
            st, _ = v.get("/api/profiles/" + urllib.parse.quote(name))
            v.unacknowledged("registration", applied=st == 200)  # a username is unique: at most once
        for name, u in list(self.users.items()):
            for t in u["tokens"]:
                st, payload = v.get("/api/user", t)
                v.checked["session"] += 1
                if st == 401:
                    v.sessions_lost.append({"user": name, "status": st, "body": json.dumps(payload)[:200],
                                            "acked_at": self.token_at.get(t)})
                elif st != 200:
                    v.unverifiable.append({"what": "session of " + name, "status": st})
        v.sessions = sum(len(u["tokens"]) for u in self.users.values())

    def verify_articles(self, v, tokens):
        """Each acknowledged title exactly once in its author's list, under the acknowledged slug
        (deleted ones: gone, and 404); titles never acknowledged at most once."""
        by_author = defaultdict(lambda: defaultdict(list))  # author -> title -> [slug]
        for name in self.users:
            offset, total = 0, None
            while total is None or offset < total:
                st, payload = v.get("/api/articles?limit=100&offset=%d&author=%s" % (offset, urllib.parse.quote(name)),
                                    tokens[name])
                if st != 200:
                    v.unverifiable.append({"what": "articles of " + name, "status": st})
                    break
                total = payload["articlesCount"]
                for a in payload["articles"]:
                    by_author[name][a["title"]].append(a["slug"])
                offset += 100
                if not payload["articles"]:
                    break
        listed = {}  # deleted slug -> how often its title is still listed
        for title, a in self.ack_articles.items():
            found = by_author[a["author"]][title]
            if a["slug"] in self.ack_deletes:
                listed[a["slug"]] = len(found)
                continue
            if a["slug"] in self.unk_deletes:
                v.check("article", 200, title, dup=len(found) > 1, found=len(found))
                continue
            v.check("article", 200, title, lost=a["slug"] not in found, dup=len(found) > 1, found=len(found),
                    slug=a["slug"], author=a["author"])
        for title, author in self.unk_articles.items():
            n = len(by_author[author][title])
            v.unacknowledged("article", applied=n >= 1, dup=n > 1, what=title, found=n)
        for slug in sorted(self.ack_deletes):
            st, _ = v.get("/api/articles/" + slug, want=(404,))
            v.check("delete", st, slug, lost=st != 404 or listed.get(slug, 0) > 0, http_status=st,
                    listed=listed.get(slug, 0))

    def verify_comments(self, v):
        """By body, on articles never deleted: each acknowledged one once, with its id; others at
        most once."""
        slugs = {c["slug"] for c in self.ack_comments.values()} | set(self.unk_comments.values())
        for slug in sorted(slugs):
            st, payload = v.get("/api/articles/%s/comments" % slug)
            if st != 200:
                v.unverifiable.append({"what": "comments of " + slug, "status": st})
                continue
            ids = defaultdict(list)
            for c in payload["comments"]:
                ids[c["body"]].append(c["id"])
            for text, c in self.ack_comments.items():
                if c["slug"] == slug:
                    v.check("comment", 200, text, lost=c["id"] not in ids[text], dup=len(ids[text]) > 1,
                            found=len(ids[text]), slug=slug, id=c["id"])
            for text, s in self.unk_comments.items():
                if s == slug:
                    n = len(ids[text])
                    v.unacknowledged("comment", applied=n >= 1, dup=n > 1, what=text, found=n)

    def verify_favorites(self, v, tokens):
        """Each acknowledged favorite in the user's favorited list, and each favorited article's
        favoritesCount equal to the number of users who have it there: a favorite applied twice
        moves the count twice (the row itself is unique)."""
        tried = defaultdict(set)
        for name, slug in self.tried_favorites | self.ack_favorites:
            tried[name].add(slug)
        holders = Counter()
        for name in sorted(tried):
            st, payload = v.get("/api/articles?limit=100&favorited=%s" % urllib.parse.quote(name), tokens[name])
            if st != 200:
                v.unverifiable.append({"what": "favorites of " + name, "status": st})
                continue
            have = Counter(a["slug"] for a in payload["articles"])
            holders.update(have.keys())
            for slug in sorted(tried[name]):
                if (name, slug) in self.ack_favorites:
                    v.check("favorite", 200, "%s %s" % (name, slug), lost=have[slug] == 0, dup=have[slug] > 1,
                            found=have[slug])
        for slug in sorted(holders):
            st, payload = v.get("/api/articles/" + slug)
            if st != 200:
                v.unverifiable.append({"what": "favoritesCount of " + slug, "status": st})
                continue
            count = payload["article"]["favoritesCount"]
            v.checked["favorite (count)"] += 1
            if count > holders[slug]:
                v.duplicated.append({"kind": "favorite", "what": "favoritesCount of " + slug, "count": count,
                                     "users": holders[slug]})
            elif count < holders[slug]:
                v.lost.append({"kind": "favorite", "what": "favoritesCount of " + slug, "count": count,
                               "users": holders[slug]})

    def verify_follows(self, v, tokens):
        """The followee's profile, seen by the follower (a follow is a pair: it cannot be doubled)."""
        for follower, followee in sorted(self.ack_follows):
            st, payload = v.get("/api/profiles/" + urllib.parse.quote(followee), tokens[follower])
            if st != 200:
                v.unverifiable.append({"what": "follow %s->%s" % (follower, followee), "status": st})
                continue
            v.check("follow", st, "%s->%s" % (follower, followee), lost=not payload["profile"]["following"])

    def verify_bios(self, v, tokens):
        """The last acknowledged bio, or one tried (unanswered) after it."""
        for name, bio in self.bio_ack.items():
            st, payload = v.get("/api/user", tokens[name])
            if st != 200:
                v.unverifiable.append({"what": "bio of " + name, "status": st})
                continue
            found = payload["user"]["bio"]
            v.check("bio", st, name, lost=found != bio and found not in self.bio_after[name], expected=bio,
                    found=found)

    # ------------------------------------------------------------------ the ledger
    LEDGER_SETS = ("ack_favorites", "tried_favorites", "ack_follows", "ack_registrations", "unk_registrations",
                   "ack_deletes", "unk_deletes")
    LEDGER_DICTS = ("users", "ack_articles", "unk_articles", "ack_comments", "unk_comments", "bio_ack", "bio_after",
                    "acked_at", "token_at")

    def dump_ledger(self, path):
        """Every write tried and acknowledged, with the tokens: --verify-ledger reads it all back later,
        against another URL (the region drill: on region A after the failback)."""
        with self.lock:
            ledger = {"prefix": self.prefix}
            ledger.update({k: sorted(list(x) if isinstance(x, tuple) else x for x in getattr(self, k))
                           for k in self.LEDGER_SETS})
            ledger.update({k: dict(getattr(self, k)) for k in self.LEDGER_DICTS})
        with open(path + ".tmp", "w") as f:
            json.dump(ledger, f)
        os.replace(path + ".tmp", path)

    def load_ledger(self, path):
        with open(path) as f:
            ledger = json.load(f)
        self.prefix = ledger["prefix"]
        for k in self.LEDGER_SETS:
            setattr(self, k, {tuple(x) if isinstance(x, list) else x for x in ledger[k]})
        for k in self.LEDGER_DICTS:
            getattr(self, k).update(ledger[k])

    def verify_ledger(self):
        """--verify-ledger: no load, only the read-back of a ledger dumped by an earlier run."""
        a = self.args
        os.makedirs(a.out, exist_ok=True)
        self.load_ledger(a.verify_ledger)
        t_begin = time.time()
        print("load: verifying the %d acknowledged writes of %s against %s" % (self.acked_writes(), a.verify_ledger,
                                                                               a.url), file=sys.stderr, flush=True)
        verification = self.verify()
        self.write_out(t_begin, t_begin, time.time(), verification, t_begin)
        return 0

    # ------------------------------------------------------------------ run
    def acked_writes(self):
        return (len(self.ack_articles) + len(self.ack_comments) + len(self.ack_favorites) + len(self.ack_follows)
                + len(self.bio_ack) + len(self.ack_deletes) + len(self.ack_registrations)
                + sum(len(u["tokens"]) for u in self.users.values()))

    def run(self):
        a = self.args
        os.makedirs(a.out, exist_ok=True)
        t_begin = time.time()
        n = self.setup()
        if n == 0:
            print("load: could not register any user; is the API up at %s?" % a.url, file=sys.stderr)
            self.write_out(t_begin, time.time(), time.time(), None)
            return 3
        t_ready = time.time()
        if a.ready_file:
            with open(a.ready_file, "w") as f:
                f.write("%.3f\n" % t_ready)
        print("load: %d users registered in %.1f s; running %d workers at ~%d req/s" %
              (n, t_ready - t_begin, a.workers, a.rate), file=sys.stderr, flush=True)
        gate = threading.Event()
        threads = [threading.Thread(target=self.worker, args=(i, gate), daemon=True) for i in range(a.workers)]
        threads += [threading.Thread(target=self.worker, args=(a.workers + i, gate, True), daemon=True)
                    for i in range(a.readers)]
        for t in threads:
            t.start()
        gate.set()
        end = time.monotonic() + a.duration
        while time.monotonic() < end and not self.stop.is_set():
            if a.stop_file and os.path.exists(a.stop_file):
                break
            time.sleep(0.1)
        t_stop = time.time()
        self.stop.set()
        for t in threads:
            t.join(timeout=a.write_budget + a.timeout + 5)
        if a.late_retry > 0 and self.late:
            print("load: %d writes were given up on; retrying each with its Idempotency-Key in %.0f s "
                  "(--late-retry)" % (len(self.late), a.late_retry), file=sys.stderr, flush=True)
            time.sleep(a.late_retry)
            client = Client(self.host, self.port, a.timeout, self.recorder, "late", a.keepalive)
            for w in self.late:
                st, _, payload, err = client.call(w["method"], w["path"], w["route"], w["op"], w["body"], w["token"],
                                                  w["key"], a.write_attempts + 1)
                self.outcomes[(w["op"], "late-%s" % (st or "error"))] += 1
                if st in w["ok"]:
                    w["apply"](payload)
        t_end = time.time()
        if a.ledger:
            self.dump_ledger(a.ledger)
        print("load: stopped; verifying %d acknowledged writes" % self.acked_writes(), file=sys.stderr, flush=True)
        verification = self.verify()
        self.write_out(t_begin, t_stop, t_end, verification, t_ready)
        return 0

    def write_out(self, t_begin, t_stop, t_end, verification, t_ready=None):
        a = self.args
        with self.recorder.lock:
            records = list(self.recorder.records)
        with open(os.path.join(a.out, "requests.jsonl"), "w") as f:
            for r in records:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
        traffic = [r for r in records if r["ph"] in ("setup", "load")]
        statuses = Counter(str(r["st"]) for r in traffic if not r.get("err"))
        errors = Counter(r["err"].split(":")[0] for r in traffic if r.get("err"))
        lat = sorted(r["d"] for r in traffic if not r.get("err"))
        failed = [r for r in traffic if r.get("err") or r["st"] not in (200, 201, 204, 304)]
        t0 = t_ready or t_begin
        result = {
            "url": a.url, "prefix": self.prefix, "workers": a.workers, "rate": a.rate,
            "t_begin": t_begin, "t_ready": t_ready, "t_stop": t_stop, "t_end": t_end,
            "requests": len(traffic), "statuses": dict(statuses), "client_errors": dict(errors),
            "failed": len(failed),
            "first_error_s": round(min(r["t"] for r in failed) - t0, 2) if failed else None,
            "last_error_end_s": round(max(r["t"] + r["d"] for r in failed) - t0, 2) if failed else None,
            "p50_ms": round(1000 * lat[len(lat) // 2], 1) if lat else None,
            "p99_ms": round(1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))], 1) if lat else None,
            "users": len(self.users), "acknowledged_writes": self.acked_writes(),
            "acknowledged": {"articles": len(self.ack_articles), "comments": len(self.ack_comments),
                             "favorites": len(self.ack_favorites), "follows": len(self.ack_follows),
                             "bios": len(self.bio_ack), "deletes": len(self.ack_deletes),
                             "registrations": len(self.ack_registrations),
                             "sessions": sum(len(u["tokens"]) for u in self.users.values())},
            "unacknowledged": {"articles": len(self.unk_articles), "comments": len(self.unk_comments),
                               "deletes": len(self.unk_deletes),
                               "registrations": len(self.unk_registrations - self.ack_registrations)},
            "gave_up": sum(v for (op, outcome), v in self.outcomes.items() if outcome == "gave-up"),
            "outcomes": {"%s %s" % k: v for k, v in sorted(self.outcomes.items())},
            "anomalies": self.anomalies,
            "verification": verification,
        }
        with open(os.path.join(a.out, "result.json"), "w") as f:
            json.dump(result, f, indent=1)
        v = verification or {}
        print("load: %d requests, statuses %s, client errors %s, failed %d (from %s s to %s s after the load "
              "started), p50 %s ms, p99 %s ms; acknowledged writes %d, "
              "lost %d, duplicated %d, sessions lost %d of %s, unverifiable %d" %
              (result["requests"], dict(sorted(statuses.items())), dict(errors), len(failed), result["first_error_s"],
               result["last_error_end_s"], result["p50_ms"], result["p99_ms"],
               result["acknowledged_writes"], len(v.get("lost", [])), len(v.get("duplicated", [])),
               len(v.get("sessions_lost", [])), v.get("sessions"), len(v.get("unverifiable", []))),
              file=sys.stderr, flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:18080", help="the load balancer")
    p.add_argument("--duration", type=float, default=60, help="longest run in seconds (after setup)")
    p.add_argument("--workers", type=int, default=12, help="concurrent clients (threads)")
    p.add_argument("--readers", type=int, default=0,
                   help="more clients that only read, each at a worker's pace (a write retried holds a worker)")
    p.add_argument("--users", type=int, default=24, help="users registered before the load starts")
    p.add_argument("--rate", type=float, default=80, help="target requests per second (all workers)")
    p.add_argument("--timeout", type=float, default=10, help="client timeout per request, seconds")
    p.add_argument("--write-attempts", type=int, default=8, help="attempts per write, the first included")
    p.add_argument("--write-budget", type=float, default=12, help="seconds a write may keep retrying")
    p.add_argument("--stop-grace", type=float, default=1, help="retries go on after stop (0: stop at once)")
    p.add_argument("--keepalive", action="store_true",
                   help="reuse connections to the load balancer (default: one per request, see below)")
    p.add_argument("--late-retry", type=float, default=0,
                   help="after the load, wait this many seconds, then retry every write given up on once, "
                        "with its Idempotency-Key (a patient client)")
    p.add_argument("--prefix", default="", help="names of users, titles (default: random)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True, help="directory for requests.jsonl and result.json")
    p.add_argument("--ready-file", default="", help="written once the users are registered")
    p.add_argument("--stop-file", default="", help="the load stops when this file appears")
    p.add_argument("--ledger", default="", help="after the load, write every write tried and acknowledged here")
    p.add_argument("--verify-ledger", default="",
                   help="no load: read back the writes of a --ledger file from --url (e.g. another region)")
    args = p.parse_args()
    d = Driver(args)

    def on_term(signum, frame):
        d.stop.set()
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    sys.exit(d.verify_ledger() if args.verify_ledger else d.run())


if __name__ == "__main__":
    main()
