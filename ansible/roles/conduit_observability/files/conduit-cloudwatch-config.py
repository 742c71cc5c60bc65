#!/usr/bin/python3
"""Completes the CloudWatch agent configuration at boot and (re)starts the agent.

The AMI is shared by every environment, so the log group (CONDUIT_LOG_GROUP in
/etc/conduit/bootstrap.env, written by user data) and the admin port
(CONDUIT_ADMIN_PORT in /etc/conduit/env, written by conduit-config.service) are only known
at boot. This script fills them into the templates the conduit_observability role installed
and hands the result to amazon-cloudwatch-agent-ctl.
"""

import json
import os
import subprocess
import sys

CONFIG_DIR = os.environ.get("CONDUIT_CW_CONFIG_DIR", "/etc/conduit/cloudwatch")
BOOTSTRAP_FILE = os.environ.get("CONDUIT_CW_BOOTSTRAP_FILE", "/etc/conduit/bootstrap.env")
ENV_FILE = os.environ.get("CONDUIT_CW_ENV_FILE", "/etc/conduit/env")
DEFAULT_ADMIN_PORT = os.environ.get("CONDUIT_CW_DEFAULT_ADMIN_PORT", "9090")
AGENT_CTL = os.environ.get(
    "CONDUIT_CW_AGENT_CTL", "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl"
)


def read_env_file(path):
    values = {}
    if not os.path.exists(path):
        return values
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[key.strip()] = value
    return values


def main():
    bootstrap = read_env_file(BOOTSTRAP_FILE)
    log_group = bootstrap.get("CONDUIT_LOG_GROUP")
    if not log_group:
        print(f"conduit-cloudwatch-config: error: CONDUIT_LOG_GROUP missing in {BOOTSTRAP_FILE}")
        return 1
    admin_port = read_env_file(ENV_FILE).get("CONDUIT_ADMIN_PORT") or DEFAULT_ADMIN_PORT
    environment = bootstrap.get("CONDUIT_ENVIRONMENT", "unknown")

    with open(os.path.join(CONFIG_DIR, "agent.json.in"), encoding="utf-8") as handle:
        agent = json.load(handle)
    logs = agent.get("logs", {})
    for entry in logs.get("logs_collected", {}).get("files", {}).get("collect_list", []):
        # "@LOG_GROUP@" or "@LOG_GROUP@/journal": the group of this environment, or one below it.
        entry["log_group_name"] = str(entry.get("log_group_name") or "@LOG_GROUP@").replace("@LOG_GROUP@", log_group)
    prometheus = logs.get("metrics_collected", {}).get("prometheus")
    if prometheus is not None:
        prometheus["log_group_name"] = log_group
        prometheus["cluster_name"] = f"conduit-{environment}"

    with open(os.path.join(CONFIG_DIR, "prometheus.yaml.in"), encoding="utf-8") as handle:
        scrape = handle.read().replace("@ADMIN_PORT@", admin_port).replace("@ENVIRONMENT@", environment)

    with open(os.path.join(CONFIG_DIR, "prometheus.yaml"), "w", encoding="utf-8") as handle:
        handle.write(scrape)
    agent_file = os.path.join(CONFIG_DIR, "agent.json")
    with open(agent_file, "w", encoding="utf-8") as handle:
        json.dump(agent, handle, indent=2)

    print(f"conduit-cloudwatch-config: log group {log_group}, metrics from 127.0.0.1:{admin_port}")
    return subprocess.call([AGENT_CTL, "-a", "fetch-config", "-m", "ec2", "-s", "-c", "file:" + agent_file])


if __name__ == "__main__":
    sys.exit(main())
