#!/usr/bin/env python3
"""Offline test of scripts/release against fakes of `terraform` and the few `aws` calls it makes.

Usage: test_release.py            (one "PASS release <case>" / "FAIL release <case>: why" line each)

The fakes keep a tiny world in a temporary directory: the Terraform state's outputs
(ami_id, app_version, autoscaling_group_name), the ASG's instance refreshes (each apply
that changes the AMI starts one whose statuses the case scripts) and the SSM release
records. Nothing reaches AWS: AWS / TERRAFORM point at the fakes.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RELEASE = os.path.join(HERE, "..", "..", "scripts", "release")

FAKE_TERRAFORM = r'''#!/usr/bin/env python3
import json, os, sys
w = os.environ["FAKE_WORLD"]
world = json.load(open(w))
args = [a for a in sys.argv[1:] if not a.startswith("-chdir=")]
world["calls"].append(["terraform"] + args)
if args[:2] == ["output", "-raw"]:
    val = world["state"].get(args[2])
    json.dump(world, open(w, "w"))
    if val is None:
        print("Warning: No outputs found"); sys.exit(1)
    print(val, end=""); sys.exit(0)
if args and args[0] == "apply":
    if world.get("apply_fails"):
        json.dump(world, open(w, "w")); sys.exit(1)
    v = dict(a[len("-var="):].split("=", 1) for a in args if a.startswith("-var="))
    old = world["state"].get("ami_id")
    world["state"].update(ami_id=v["ami_id"], app_version=v["app_version"], autoscaling_group_name="conduit-test-app")
    if "standby_ami_id" in v:
        world["state"]["standby_ami_id"] = v["standby_ami_id"]
    if old and old != v["ami_id"]:
        n = len(world["refreshes"])
        script = world["scripts"].get(v["ami_id"], [["Successful", 100]])
        world["refreshes"].append({"id": f"r{n}", "script": script, "i": 0})
    json.dump(world, open(w, "w")); sys.exit(0)
json.dump(world, open(w, "w")); sys.exit(0)
'''

FAKE_AWS = r'''#!/usr/bin/env python3
import json, os, sys
w = os.environ["FAKE_WORLD"]
world = json.load(open(w))
args = sys.argv[1:]
world["calls"].append(["aws"] + args)
def opt(name):
    return args[args.index(name) + 1] if name in args else None
out = {}
if args[:2] == ["autoscaling", "describe-instance-refreshes"]:
    assert opt("--auto-scaling-group-name") == "conduit-test-app", args
    refs = []
    if world["refreshes"]:
        r = world["refreshes"][-1]
        status, pct = r["script"][min(r["i"], len(r["script"]) - 1)]
        r["i"] += 1
        refs = [{"InstanceRefreshId": r["id"], "AutoScalingGroupName": "conduit-test-app", "Status": status,
                 "StatusReason": "Waiting at checkpoint" if status == "InProgress" and pct == 34 else "",
                 "PercentageComplete": pct, "InstancesToUpdate": 3 - pct * 3 // 100,
                 "Preferences": {"CheckpointPercentages": [34, 67, 100]}}]
    out = {"InstanceRefreshes": refs}
elif args[:2] == ["ssm", "put-parameter"]:
    world["ssm"][opt("--name")] = opt("--value")
    out = {"Version": 1}
elif args[:2] == ["ssm", "get-parameter"]:
    v = world["ssm"].get(opt("--name"))
    if v is None:
        json.dump(world, open(w, "w")); print("ParameterNotFound", file=sys.stderr); sys.exit(254)
    out = {"Parameter": {"Name": opt("--name"), "Value": v}}
else:
    json.dump(world, open(w, "w")); print("fake aws: unsupported " + " ".join(args), file=sys.stderr); sys.exit(2)
json.dump(world, open(w, "w"))
print(json.dumps(out))
'''


def manifest(path, builds, last):
    with open(path, "w") as fh:
        json.dump({"builds": builds, "last_run_uuid": last}, fh)


def build(uuid, ami, version):
    return {"name": "conduit", "builder_type": "amazon-ebs", "packer_run_uuid": uuid,
            "artifact_id": f"eu-west-1:{ami}", "custom_data": {"app_version": version, "git_sha": "abc"}}


def run_case(tmp, world, argv):
    wpath = os.path.join(tmp, "world.json")
    world.setdefault("calls", [])
    world.setdefault("refreshes", [])
    world.setdefault("ssm", {})
    world.setdefault("scripts", {})
    json.dump(world, open(wpath, "w"))
    env = dict(os.environ, FAKE_WORLD=wpath, TERRAFORM=os.path.join(tmp, "terraform"), AWS=os.path.join(tmp, "aws"),
               RELEASE_POLL_SECONDS="0", RELEASE_REFRESH_START_SECONDS="0.5", RELEASE_TIMEOUT_SECONDS="30",
               AWS_REGION="eu-west-1")
    p = subprocess.run([sys.executable, RELEASE, *argv], capture_output=True, text=True, env=env, timeout=60)
    return p.returncode, p.stdout + p.stderr, json.load(open(wpath))


def applies(world):
    return [c for c in world["calls"] if c[:2] == ["terraform", "apply"]]


def var(call, name):
    return next((a.split("=", 2)[2] for a in call if a.startswith(f"-var={name}=")), None)


def main():
    failed = 0
    tmp = tempfile.mkdtemp(prefix="release-test.")
    for name, body in (("terraform", FAKE_TERRAFORM), ("aws", FAKE_AWS)):
        path = os.path.join(tmp, name)
        with open(path, "w") as fh:
            fh.write(body)
        os.chmod(path, 0o755)
    os.makedirs(os.path.join(tmp, "envs", "test"))
    open(os.path.join(tmp, "envs", "test", "main.tf"), "w").close()
    os.environ["RELEASE_ENVS_DIR"] = os.path.join(tmp, "envs")
    mf = os.path.join(tmp, "manifest.json")
    # Two builds of 1.1.0: the manifest's last run wins, not "the newest image tagged 1.1.0".
    manifest(mf, [build("u1", "ami-0000000000000aaa1", "1.1.0"), build("u2", "ami-0000000000000bbb2", "1.1.0"),
                  build("u3", "ami-0000000000000ccc3", "1.1.0")], "u2")
    running = {"ami_id": "ami-0000000000000old0", "app_version": "1.0.0", "autoscaling_group_name": "conduit-test-app"}

    def check(case, ok, why, out):
        nonlocal failed
        if ok:
            print(f"PASS release {case}")
        else:
            failed += 1
            print(f"FAIL release {case}: {why}\n    " + out.strip().replace("\n", "\n    "))

    rc, out, w = run_case(tmp, {"state": dict(running), "refreshes": [{"id": "r-old", "script": [["Successful", 100]], "i": 0}],
                                "scripts": {"ami-0000000000000bbb2": [["Pending", 0], ["InProgress", 0], ["InProgress", 34],
                                                                      ["InProgress", 67], ["Successful", 100]]}},
                          ["deploy", "test", "--manifest", mf, "--yes"])
    a = applies(w)
    check("deploy passes the manifest's AMI id as a variable and waits for the refresh",
          rc == 0 and len(a) == 1 and var(a[0], "ami_id") == "ami-0000000000000bbb2" and var(a[0], "app_version") == "1.1.0"
          and "34% complete" in out and "at checkpoint" in out and "Successful: 100% complete" in out
          and w["ssm"].get("/conduit-release/test/current") == "ami-0000000000000bbb2 1.1.0"
          and w["ssm"].get("/conduit-release/test/previous") == "ami-0000000000000old0 1.0.0",
          f"rc={rc} applies={a} ssm={w['ssm']}", out)

    rc, out, w = run_case(tmp, {"state": dict(running),
                                "scripts": {"ami-0000000000000bbb2": [["InProgress", 34], ["RollbackInProgress", 34],
                                                                      ["RollbackSuccessful", 0]]}},
                          ["deploy", "test", "--manifest", mf, "--yes"])
    a = applies(w)
    check("an automatic rollback is detected and the previous AMI applied again (state = running)",
          rc == 3 and len(a) == 2 and var(a[1], "ami_id") == "ami-0000000000000old0" and var(a[1], "app_version") == "1.0.0"
          and w["state"]["ami_id"] == "ami-0000000000000old0" and "RollbackSuccessful" in out
          and "/conduit-release/test/current" not in w["ssm"],
          f"rc={rc} applies={[var(x, 'ami_id') for x in a]} state={w['state']} ssm={w['ssm']}", out)

    rc, out, w = run_case(tmp, {"state": dict(running)}, ["apply", "test", "--yes"])
    a = applies(w)
    check("an unrelated apply keeps the running AMI and version",
          rc == 0 and len(a) == 1 and var(a[0], "ami_id") == "ami-0000000000000old0" and var(a[0], "app_version") == "1.0.0",
          f"rc={rc} applies={a}", out)

    rc, out, w = run_case(tmp, {"state": {}}, ["apply", "test", "--yes"])
    check("apply without a running AMI refuses (first deploy is `deploy`)", rc == 1 and not applies(w), f"rc={rc}", out)

    rc, out, w = run_case(tmp, {"state": {"ami_id": "ami-0000000000000bbb2", "app_version": "1.1.0",
                                          "autoscaling_group_name": "conduit-test-app"},
                                "ssm": {"/conduit-release/test/previous": "ami-0000000000000old0 1.0.0"},
                                "scripts": {"ami-0000000000000old0": [["InProgress", 50], ["Successful", 100]]}},
                          ["rollback", "test", "--yes"])
    a = applies(w)
    check("rollback deploys the recorded previous release and waits",
          rc == 0 and len(a) == 1 and var(a[0], "ami_id") == "ami-0000000000000old0" and "Successful" in out
          and w["ssm"].get("/conduit-release/test/current") == "ami-0000000000000old0 1.0.0",
          f"rc={rc} applies={a} ssm={w['ssm']}", out)

    rc, out, w = run_case_timeout(tmp, mf, running)
    check("a refresh that never ends times out with exit 4 (the tool does not return before the refresh ends)",
          rc == 4 and "timed out" in out, f"rc={rc}", out)

    bad = os.path.join(tmp, "bad-manifest.json")
    manifest(bad, [{"packer_run_uuid": "u9", "artifact_id": "us-east-1:ami-0000000000000ddd4", "custom_data": {"app_version": "2.0.0"}}], "u9")
    rc, out, w = run_case(tmp, {"state": dict(running)}, ["deploy", "test", "--manifest", bad, "--yes"])
    check("a manifest without an AMI in the region is refused", rc == 1 and not applies(w), f"rc={rc}", out)

    # An environment with a standby region: the build's copy there goes in as standby_ami_id.
    os.makedirs(os.path.join(tmp, "envs", "ha"))
    open(os.path.join(tmp, "envs", "ha", "main.tf"), "w").close()
    with open(os.path.join(tmp, "envs", "ha", "terraform.tfvars"), "w") as fh:
        fh.write('region = "eu-west-1"\nstandby_region = "eu-central-1"\n')
    ha = os.path.join(tmp, "ha-manifest.json")
    manifest(ha, [{"packer_run_uuid": "u5", "artifact_id": "eu-west-1:ami-0000000000000eee5,eu-central-1:ami-0000000000000fff6",
                   "custom_data": {"app_version": "1.2.0"}}], "u5")
    ha_running = dict(running, standby_ami_id="ami-0000000000000sb00")
    rc, out, w = run_case(tmp, {"state": dict(ha_running)}, ["deploy", "ha", "--manifest", ha, "--yes"])
    a = applies(w)
    check("deploy with a standby region passes the AMI's copy there as standby_ami_id and records it",
          rc == 0 and len(a) == 1 and var(a[0], "ami_id") == "ami-0000000000000eee5"
          and var(a[0], "standby_ami_id") == "ami-0000000000000fff6"
          and w["ssm"].get("/conduit-release/ha/current") == "ami-0000000000000eee5 1.2.0 ami-0000000000000fff6"
          and w["ssm"].get("/conduit-release/ha/previous") == "ami-0000000000000old0 1.0.0 ami-0000000000000sb00",
          f"rc={rc} applies={a} ssm={w['ssm']}", out)

    rc, out, w = run_case(tmp, {"state": dict(ha_running)}, ["apply", "ha", "--yes"])
    a = applies(w)
    check("an unrelated apply with a standby region keeps both running AMIs",
          rc == 0 and len(a) == 1 and var(a[0], "ami_id") == "ami-0000000000000old0"
          and var(a[0], "standby_ami_id") == "ami-0000000000000sb00", f"rc={rc} applies={a}", out)

    rc, out, w = run_case(tmp, {"state": dict(ha_running)}, ["deploy", "ha", "--manifest", mf, "--yes"])
    check("a manifest without the AMI's copy in the standby region is refused", rc == 1 and not applies(w)
          and "standby region eu-central-1" in out, f"rc={rc}", out)

    rc, out, w = run_case(tmp, {"state": dict(ha_running), "ssm": {"/conduit-region/ha/serving": "standby"}},
                          ["deploy", "ha", "--manifest", ha, "--yes"])
    check("while the standby region serves after a failover, deploy refuses (failback first)",
          rc == 1 and not applies(w) and "failback" in out, f"rc={rc} applies={applies(w)}", out)

    rc, out, w = run_case(tmp, {"state": dict(ha_running), "ssm": {"/conduit-region/ha/serving": "primary"}},
                          ["apply", "ha", "--yes"])
    check("after the failback (serving = primary) apply runs again", rc == 0 and len(applies(w)) == 1, f"rc={rc}", out)

    print(f"release tests: {failed} failed")
    sys.exit(1 if failed else 0)


def run_case_timeout(tmp, mf, running):
    wpath = os.path.join(tmp, "world.json")
    world = {"state": dict(running), "calls": [], "refreshes": [], "ssm": {},
             "scripts": {"ami-0000000000000bbb2": [["InProgress", 10]]}}
    json.dump(world, open(wpath, "w"))
    env = dict(os.environ, FAKE_WORLD=wpath, TERRAFORM=os.path.join(tmp, "terraform"), AWS=os.path.join(tmp, "aws"),
               RELEASE_POLL_SECONDS="0.05", RELEASE_REFRESH_START_SECONDS="0.5", RELEASE_TIMEOUT_SECONDS="1",
               AWS_REGION="eu-west-1")
    p = subprocess.run([sys.executable, RELEASE, "deploy", "test", "--manifest", mf, "--yes"],
                       capture_output=True, text=True, env=env, timeout=60)
    return p.returncode, p.stdout + p.stderr, json.load(open(wpath))


if __name__ == "__main__":
    main()
