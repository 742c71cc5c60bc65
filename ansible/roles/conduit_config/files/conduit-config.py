#!/usr/bin/python3
"""Writes the Conduit service environment (/etc/conduit/env) from SSM Parameter Store and
Secrets Manager.

Run by conduit-config.service at boot and before every (re)start of conduit.service, so a
restart picks up rotated database and Redis secrets. Inputs:

* /etc/conduit/bootstrap.env, written by the launch template's user data:
  CONDUIT_SSM_PREFIX, AWS_REGION (and other keys this script ignores).
* SSM String parameters below the prefix: db_jdbc_url, db_user, db_secret_arn, redis_host,
  redis_port, redis_tls, redis_auth_secret_arn, http_port, admin_port, trusted_proxy_hops
  (CONDUIT_TRUSTED_PROXY_HOPS: 1 behind the ALB; required, as a missing one silently puts every
  client behind one ALB address into one rate-limit bucket), and optionally env/CONDUIT_* (copied
  verbatim, for tuning without a new AMI).
* Secrets Manager: the RDS-managed secret (JSON with username and password) and the Redis
  AUTH token (plain string).

With CONDUIT_CONFIG_SECRETS_DIR set, the database password and the Redis AUTH token are also
written to files there (db_password, redis_password; mode 0644 inside a directory only root and
the service's group may enter), named in the env file as CONDUIT_DB_PASSWORD_FILE and
CONDUIT_REDIS_PASSWORD_FILE. The app re-reads them every second, and conduit-config-refresh.timer
runs this script every minute, so a rotated secret reaches new connections within about a minute
without a restart. Files are only replaced when their content changed.

Without bootstrap.env an existing env file is left alone (images booted outside AWS, the
image test). The file is written atomically, mode 0600, owner root; systemd reads it as root.
Nothing secret is printed.

Test hook: CONDUIT_CONFIG_AWS_ENDPOINT_URL sends every AWS call to that URL.
"""

import json
import os
import sys
import tempfile
import time
import urllib.parse

BOOTSTRAP_FILE = os.environ.get("CONDUIT_CONFIG_BOOTSTRAP_FILE", "/etc/conduit/bootstrap.env")
ENV_FILE = os.environ.get("CONDUIT_CONFIG_ENV_FILE", "/etc/conduit/env")
ATTEMPTS = int(os.environ.get("CONDUIT_CONFIG_ATTEMPTS", "8"))
SDK_ATTEMPTS = int(os.environ.get("CONDUIT_CONFIG_SDK_ATTEMPTS", "5"))
KEEP_STALE = os.environ.get("CONDUIT_CONFIG_KEEP_STALE_ON_ERROR", "true") == "true"
ENDPOINT_URL = os.environ.get("CONDUIT_CONFIG_AWS_ENDPOINT_URL") or None
SECRETS_DIR = os.environ.get("CONDUIT_CONFIG_SECRETS_DIR") or None

REQUIRED = ("db_jdbc_url", "db_secret_arn", "redis_host", "redis_port", "trusted_proxy_hops")
# Characters systemd's EnvironmentFile parser unescapes inside double quotes.
SYSTEMD_ESCAPED = '\\"`$'


class ConfigError(Exception):
    """A problem retrying will not fix (missing parameter, malformed secret)."""


def log(message):
    print(f"conduit-config: {message}", flush=True)


def read_env_file(path):
    """Parses KEY=VALUE lines (optionally quoted); ignores comments and blank lines."""
    values = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            key = key.strip()
            if key.startswith("export "):
                key = key[len("export "):].strip()
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[key] = value
    return values


def systemd_quote(value):
    if any(ord(c) < 32 and c != "\t" for c in value):
        raise ConfigError("a value contains a control character")
    return '"' + "".join("\\" + c if c in SYSTEMD_ESCAPED else c for c in value) + '"'


def aws_clients(region):
    import botocore.config
    import botocore.session

    session = botocore.session.get_session()
    config = botocore.config.Config(
        region_name=region,
        connect_timeout=5,
        read_timeout=10,
        retries={"max_attempts": SDK_ATTEMPTS, "mode": "standard"},
    )
    ssm = session.create_client("ssm", config=config, endpoint_url=ENDPOINT_URL)
    secrets = session.create_client("secretsmanager", config=config, endpoint_url=ENDPOINT_URL)
    return ssm, secrets


def read_parameters(ssm, prefix):
    parameters = {}
    paginator = ssm.get_paginator("get_parameters_by_path")
    for page in paginator.paginate(Path=prefix, Recursive=True, WithDecryption=True):
        for parameter in page.get("Parameters", []):
            name = parameter["Name"][len(prefix):].lstrip("/")
            parameters[name] = parameter["Value"]
    return parameters


def secret_string(secrets, arn):
    return secrets.get_secret_value(SecretId=arn)["SecretString"]


def compose(parameters, secrets):
    missing = [name for name in REQUIRED if not parameters.get(name)]
    if missing:
        raise ConfigError("missing SSM parameters: " + ", ".join(missing))

    try:
        db_secret = json.loads(secret_string(secrets, parameters["db_secret_arn"]))
    except ValueError as error:
        raise ConfigError("the database secret is not JSON") from error
    if not isinstance(db_secret, dict) or "password" not in db_secret:
        raise ConfigError("the database secret has no password")
    db_user = parameters.get("db_user") or db_secret.get("username")
    if not db_user:
        raise ConfigError("no db_user parameter and no username in the database secret")

    tls = parameters.get("redis_tls", "true").strip().lower() in ("true", "1", "yes")
    userinfo = ""
    token = ""
    if parameters.get("redis_auth_secret_arn"):
        token = secret_string(secrets, parameters["redis_auth_secret_arn"]).strip()
        if token:
            userinfo = ":" + urllib.parse.quote(token, safe="") + "@"
    redis_url = "{}://{}{}:{}".format(
        "rediss" if tls else "redis", userinfo, parameters["redis_host"], parameters["redis_port"]
    )

    env = {
        "CONDUIT_DB_URL": parameters["db_jdbc_url"],
        "CONDUIT_DB_USER": db_user,
        "CONDUIT_DB_PASSWORD": db_secret["password"],
        "CONDUIT_REDIS_URL": redis_url,
        "CONDUIT_TRUSTED_PROXY_HOPS": parameters["trusted_proxy_hops"].strip(),
    }
    files = {}
    if SECRETS_DIR:
        files["db_password"] = db_secret["password"]
        env["CONDUIT_DB_PASSWORD_FILE"] = os.path.join(SECRETS_DIR, "db_password")
        if token:
            files["redis_password"] = token
            env["CONDUIT_REDIS_PASSWORD_FILE"] = os.path.join(SECRETS_DIR, "redis_password")
    if parameters.get("http_port"):
        env["CONDUIT_HTTP_PORT"] = parameters["http_port"]
    if parameters.get("admin_port"):
        env["CONDUIT_ADMIN_PORT"] = parameters["admin_port"]
    for name, value in sorted(parameters.items()):
        if name.startswith("env/CONDUIT_"):
            env.setdefault(name[len("env/"):], value)
    return env, files


def replace_file(path, content, mode):
    """Atomically replaces path with content; leaves an unchanged file alone. True if written."""
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == content:
                return False
    except FileNotFoundError:
        pass
    directory = os.path.dirname(path) or "."
    fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return True


def write_env(env, prefix):
    lines = [f"# Written by conduit-config from SSM {prefix} and Secrets Manager. Do not edit:"]
    lines.append("# rewritten at boot, on every start of conduit.service and by conduit-config-refresh.timer.")
    lines += [f"{key}={systemd_quote(value)}" for key, value in env.items()]
    return replace_file(ENV_FILE, "\n".join(lines) + "\n", 0o600)


def write_secret_files(files):
    """The secrets the app re-reads while running; readable by the service through the directory."""
    changed = []
    if not files:
        return changed
    os.makedirs(SECRETS_DIR, mode=0o750, exist_ok=True)
    for name, secret in sorted(files.items()):
        if replace_file(os.path.join(SECRETS_DIR, name), secret + "\n", 0o644):
            changed.append(name)
    return changed


def fetch_with_retries(prefix, region):
    import botocore.exceptions

    delay = 2
    for attempt in range(1, ATTEMPTS + 1):
        try:
            ssm, secrets = aws_clients(region)
            return compose(read_parameters(ssm, prefix), secrets)
        except ConfigError:
            raise
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            if attempt == ATTEMPTS:
                raise
            log(f"attempt {attempt}/{ATTEMPTS} failed ({type(error).__name__}: {error}); retrying in {delay} s")
            time.sleep(delay)
            delay = min(delay * 2, 30)
    raise AssertionError("unreachable")


def main():
    if not os.path.exists(BOOTSTRAP_FILE):
        if os.path.exists(ENV_FILE):
            log(f"no {BOOTSTRAP_FILE}: keeping the existing {ENV_FILE}")
            return 0
        log(f"error: neither {BOOTSTRAP_FILE} (written by user data) nor {ENV_FILE} exists")
        return 1

    bootstrap = read_env_file(BOOTSTRAP_FILE)
    prefix = bootstrap.get("CONDUIT_SSM_PREFIX", "").rstrip("/")
    region = bootstrap.get("AWS_REGION") or bootstrap.get("AWS_DEFAULT_REGION")
    if not prefix.startswith("/") or not region:
        log(f"error: {BOOTSTRAP_FILE} must set CONDUIT_SSM_PREFIX (/conduit/<env>) and AWS_REGION")
        return 1

    try:
        env = fetch_with_retries(prefix, region)
    except ConfigError as error:
        log(f"error: {error}")
        return 1
    except Exception as error:  # noqa: BLE001 - any AWS failure after the retries
        if KEEP_STALE and os.path.exists(ENV_FILE):
            log(f"warning: could not refresh {ENV_FILE} ({type(error).__name__}: {error}); keeping the previous one")
            return 0
        log(f"error: could not read the configuration from AWS ({type(error).__name__}: {error})")
        return 1

    env, files = env
    changed = write_secret_files(files)
    if changed:
        log(f"wrote {', '.join(changed)} in {SECRETS_DIR} (a new secret: the app takes it within a second)")
    if write_env(env, prefix):
        log(f"wrote {ENV_FILE} from {prefix} ({', '.join(sorted(env))})")
    else:
        log(f"{ENV_FILE} is up to date with {prefix}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
