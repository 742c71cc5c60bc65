#!/usr/bin/env python3
"""The configuration path, end to end: from an offline Terraform plan to a running conduit.jar.

    scripts/config-path-test.py PLAN.json    (run by scripts/config-path-test.sh)

1. Reads every aws_ssm_parameter and aws_secretsmanager_secret_version the plan creates
   (planned values) and serves them from ansible/tests/fake_aws.py as SSM Parameter Store and
   Secrets Manager would after `apply`.
2. Runs the real boot step (ansible/roles/conduit_config/files/conduit-config.py) against it.
3. Checks that every CONDUIT_* variable the README's configuration table calls "required" is in
   the env file it wrote.
4. Starts app/target/conduit.jar with that env file against a local PostgreSQL and Redis, behind
   HAProxy with `option forwardfor` (the ALB), and shows: two clients with different addresses
   have separate rate-limit buckets (A is throttled, B is not), and a client-written
   X-Forwarded-For is not trusted (A, claiming another address, is still throttled).

Values only known after apply (endpoints, ARNs, the RDS-managed password) are replaced by the local
servers' in AFTER_APPLY below, and only those; everything else comes from the plan. Prints one
"PASS ..." / "FAIL ..." line per check; exits 1 when any check fails.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOOT_STEP = os.path.join(ROOT, "ansible/roles/conduit_config/files/conduit-config.py")
FAKE_AWS = os.path.join(ROOT, "ansible/tests/fake_aws.py")
JAR = os.path.join(ROOT, "app/target/conduit.jar")
README = os.path.join(ROOT, "README.md")

# --- The only values not taken from the plan -------------------------------------------------
# Test override (marked): a low anonymous limit so that throttling shows within a few requests.
# Fed through the same path as any tuning parameter (SSM env/CONDUIT_*).
TEST_OVERRIDES = {"env/CONDUIT_RATE_LIMIT_ANONYMOUS": "20/1m"}
ANONYMOUS_LIMIT = 20


def after_apply(local):
    """SSM parameters whose real value exists only after apply (or points at AWS endpoints),
    mapped to the local test servers. Keys missing from the plan are NOT added here."""
    return {
        "db_host": "127.0.0.1",
        "db_port": str(local["pg_port"]),
        # RDS endpoint + sslmode=require: the local PostgreSQL has no TLS.
        "db_jdbc_url": f"jdbc:postgresql://127.0.0.1:{local['pg_port']}/{local['db_name']}",
        "db_secret_arn": local["db_secret_arn"],
        "redis_host": "127.0.0.1",
        "redis_port": str(local["redis_port"]),
        "redis_tls": "false",  # ElastiCache in-transit encryption; the local Redis is plain
        "redis_auth_secret_arn": local["redis_secret_arn"],
        "http_port": str(local["http_port"]),  # the plan's 8080/9090 may be taken on this machine
        "admin_port": str(local["admin_port"]),
    }


# ----------------------------------------------------------------------------------------------
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""), flush=True)
    return ok


def resources(module):
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from resources(child)


def from_plan(path):
    """(parameters by name, unknown parameter names, secret strings by secret address)."""
    with open(path, encoding="utf-8") as handle:
        plan = json.load(handle)
    known, unknown, secret_values = {}, [], {}
    changes = {c["address"]: c["change"] for c in plan.get("resource_changes", [])}
    for resource in resources(plan["planned_values"]["root_module"]):
        values = resource.get("values", {})
        after_unknown = changes.get(resource["address"], {}).get("after_unknown", {})
        if resource["type"] == "aws_ssm_parameter":
            name = values.get("name")
            if name is None:
                raise SystemExit(f"{resource['address']}: name unknown in the plan")
            if "value" in values and not after_unknown.get("value"):
                known[name] = values["value"]
            else:
                unknown.append(name)
        elif resource["type"] == "aws_secretsmanager_secret_version" and "secret_string" in values:
            secret_values[resource["address"]] = values["secret_string"]
    return known, unknown, secret_values


def required_by_readme():
    names = []
    with open(README, encoding="utf-8") as handle:
        for line in handle:
            m = re.match(r"\|\s*`(CONDUIT_[A-Z0-9_]+)`\s*\|([^|]*)\|", line)
            if m and "required" in m.group(2):
                names.append(m.group(1))
    return names


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    raise SystemExit(f"timed out after {seconds} s waiting for {what}")


def listening(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Processes:
    def __init__(self):
        self.started = []

    def start(self, args, log, **kwargs):
        handle = open(log, "ab")
        process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
        self.started.append(process)
        return process

    def stop_all(self):
        for process in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def start_postgres(procs, work, port, password, db_user, db_name):
    pg_bin = sorted(os.path.dirname(p) for p in __import__("glob").glob("/usr/lib/postgresql/*/bin/initdb"))[-1]
    data = os.path.join(work, "pgdata")
    os.makedirs(data, mode=0o700)
    pwfile = os.path.join(work, "pgpass")
    with open(pwfile, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    as_user = []
    if os.geteuid() == 0:
        user = "postgres" if subprocess.run(["id", "postgres"], capture_output=True).returncode == 0 else "nobody"
        shutil.chown(data, user)
        shutil.chown(pwfile, user)
        shutil.chown(work, user)
        as_user = ["setpriv", f"--reuid={user}", f"--regid={user}" if user == "postgres" else "--regid=nogroup",
                   "--init-groups"]
    subprocess.run(as_user + [f"{pg_bin}/initdb", "-D", data, "-U", db_user, "-E", "UTF8", "--locale=C.UTF-8",
                              "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "--no-sync"],
                   check=True, capture_output=True, env={**os.environ, "LC_ALL": "C.UTF-8"})
    with open(os.path.join(data, "postgresql.conf"), "a", encoding="utf-8") as handle:
        handle.write(f"\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{work}'\n"
                     "fsync = off\n")
    procs.start(as_user + [f"{pg_bin}/postgres", "-D", data], os.path.join(work, "postgres.log"), cwd=work)
    wait(lambda: subprocess.run([f"{pg_bin}/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode == 0,
         60, "PostgreSQL")
    if db_name != "postgres":
        subprocess.run(as_user + [f"{pg_bin}/createdb", "-h", work, "-p", str(port), "-U", db_user, db_name],
                       check=True, capture_output=True)


def get(port, path, source, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def main():
    plan_path = sys.argv[1]
    work = tempfile.mkdtemp(prefix="config-path.")
    os.chmod(work, 0o755)
    procs = Processes()
    try:
        run(plan_path, work, procs)
    finally:
        procs.stop_all()
        if not os.environ.get("CONFIG_PATH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")
    print(f"config path: {sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if results and all(results) else 1


def run(plan_path, work, procs):
    env_name = os.path.basename(plan_path).rsplit(".", 1)[0]
    known, unknown, secret_values = from_plan(plan_path)
    prefixes = {name.rsplit("/", 1)[0] for name in list(known) + unknown}
    check(f"{env_name}: the plan creates the SSM parameters below one prefix ({sorted(prefixes)})", len(prefixes) == 1)
    prefix = prefixes.pop()
    key = lambda name: name[len(prefix) + 1:]  # noqa: E731
    plan_keys = {key(n): v for n, v in known.items()}

    local = {
        "pg_port": free_port(), "redis_port": free_port(), "http_port": free_port(), "admin_port": free_port(),
        "alb_port": free_port(), "db_name": plan_keys.get("db_name", "postgres"),
        "db_secret_arn": "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-known-after-apply",
        "redis_secret_arn": "arn:aws:secretsmanager:eu-west-1:111111111111:secret:redis-auth-known-after-apply",
    }
    substitutes = after_apply(local)
    parameters = {}
    for name in list(known) + unknown:
        k = key(name)
        if k in substitutes:
            parameters[name] = substitutes[k]
        elif name in unknown:
            check(f"{env_name}: SSM parameter {k} is known at plan time or has a local stand-in", False,
                  "add it to after_apply() in this script")
        else:
            parameters[name] = known[name]
    for k, value in TEST_OVERRIDES.items():
        parameters[f"{prefix}/{k}"] = value

    # Secrets: the Redis AUTH token is the planned secret version's value (generated at plan time by
    # the fake GetRandomPassword); the RDS-managed master password exists only after apply.
    db_user = plan_keys.get("db_user", "conduit")
    db_password = "after-apply-" + secrets.token_hex(8)
    redis_tokens = [v for a, v in secret_values.items() if "cache" in a or "auth" in a]
    check(f"{env_name}: the plan creates the Redis AUTH token's secret version", len(redis_tokens) == 1)
    redis_token = redis_tokens[0] if redis_tokens else "no-token-in-plan"
    fake = {
        "parameters": parameters,
        "secrets": {
            local["db_secret_arn"]: json.dumps({"username": db_user, "password": db_password}),
            local["redis_secret_arn"]: redis_token,
        },
    }
    with open(os.path.join(work, "fake-aws.json"), "w", encoding="utf-8") as handle:
        json.dump(fake, handle)

    # Local servers: PostgreSQL with the user from the plan, Redis with the planned token.
    start_postgres(procs, work, local["pg_port"], db_password, db_user, local["db_name"])
    procs.start(["redis-server", "--port", str(local["redis_port"]), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--requirepass", redis_token], os.path.join(work, "redis.log"))
    wait(lambda: listening(local["redis_port"]), 20, "Redis")

    # The boot step, unchanged, against the fake SSM / Secrets Manager.
    procs.start([sys.executable, FAKE_AWS, os.path.join(work, "fake-aws.json"), os.path.join(work, "fake.port")],
                os.path.join(work, "fake-aws.log"))
    wait(lambda: os.path.exists(os.path.join(work, "fake.port")) and open(os.path.join(work, "fake.port")).read(),
         10, "the fake AWS endpoint")
    fake_port = open(os.path.join(work, "fake.port"), encoding="utf-8").read().strip()
    with open(os.path.join(work, "bootstrap.env"), "w", encoding="utf-8") as handle:
        handle.write(f"CONDUIT_SSM_PREFIX={prefix}\nAWS_REGION=eu-west-1\n")
    env_file = os.path.join(work, "env")
    boot = subprocess.run(
        ["/usr/bin/python3", BOOT_STEP], capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": work, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
             "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null",
             "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
             "CONDUIT_CONFIG_AWS_ENDPOINT_URL": f"http://127.0.0.1:{fake_port}", "CONDUIT_CONFIG_ATTEMPTS": "1",
             "CONDUIT_CONFIG_BOOTSTRAP_FILE": os.path.join(work, "bootstrap.env"),
             "CONDUIT_CONFIG_ENV_FILE": env_file, "CONDUIT_CONFIG_SECRETS_DIR": os.path.join(work, "secrets")})
    if not check(f"{env_name}: the boot step writes the env file from the plan's parameters", boot.returncode == 0,
                 (boot.stdout + boot.stderr).strip()[-500:]):
        return
    env = read_env_file(env_file)
    required = required_by_readme()
    missing = [name for name in required if name not in env]
    check(f"{env_name}: every variable the README calls required for production is set ({', '.join(required)})",
          bool(required) and not missing, "missing " + ", ".join(missing))

    # The real JAR with exactly that environment (plus PATH/HOME), behind the ALB stand-in.
    java = os.environ.get("CONFIG_PATH_JAVA", "java")
    app = procs.start([java, "-jar", JAR], os.path.join(work, "app.log"),
                      env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work, **env})
    ready = lambda: app.poll() is None and listening(local["http_port"]) and get(  # noqa: E731
        local["http_port"], "/health/ready", "127.0.0.1") == 200
    try:
        wait(ready, 120, "conduit.jar to be ready")
    except SystemExit as error:
        check(f"{env_name}: conduit.jar starts with the boot step's environment", False, str(error))
        print(open(os.path.join(work, "app.log"), encoding="utf-8", errors="replace").read()[-2000:])
        return
    check(f"{env_name}: conduit.jar starts with the boot step's environment", True)
    with open(os.path.join(work, "haproxy.cfg"), "w", encoding="utf-8") as handle:
        handle.write(f"""global
    maxconn 256
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend alb
    bind 127.0.0.1:{local['alb_port']}
    option forwardfor
    default_backend app
backend app
    server app1 127.0.0.1:{local['http_port']}
""")
    procs.start(["haproxy", "-f", os.path.join(work, "haproxy.cfg"), "-db"], os.path.join(work, "haproxy.log"))
    wait(lambda: listening(local["alb_port"]), 20, "HAProxy")

    alb = local["alb_port"]
    a_statuses = [get(alb, "/api/articles", "127.0.0.2") for _ in range(ANONYMOUS_LIMIT + 5)]
    b_statuses = [get(alb, "/api/articles", "127.0.0.3") for _ in range(5)]
    spoofed = [get(alb, "/api/articles", "127.0.0.2", {"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(5)]
    check(f"{env_name}: client A (127.0.0.2) is throttled after {ANONYMOUS_LIMIT} requests through the ALB",
          a_statuses[:ANONYMOUS_LIMIT] == [200] * ANONYMOUS_LIMIT and 429 in a_statuses[ANONYMOUS_LIMIT:],
          f"statuses {a_statuses}")
    check(f"{env_name}: client B (127.0.0.3) has its own bucket and is not throttled", b_statuses == [200] * 5,
          f"statuses {b_statuses} (one bucket for everyone behind the ALB: CONDUIT_TRUSTED_PROXY_HOPS not 1?)")
    check(f"{env_name}: a client-written X-Forwarded-For is not trusted (A claiming other addresses stays throttled)",
          spoofed == [429] * 5, f"statuses {spoofed}")


def read_env_file(path):
    values = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            if len(v) >= 2 and v[0] == v[-1] == '"':
                v = re.sub(r'\\(.)', r"\1", v[1:-1])
            values[k] = v
    return values


if __name__ == "__main__":
    sys.exit(main())
