#!/usr/bin/env python3
"""Offline test of scripts/region against fakes of `terraform` and the `aws` calls it makes.

Usage: test_region.py [plan.json]  (one "PASS region <case>" / "FAIL region <case>: why" line each)

The fake AWS keeps a small world in a temporary file: each region's RDS instances (a replica
turns primary, a new replica becomes available, a parameter change applies, one describe
later), the global datastore's members, the standalone replication groups, the ASGs, the
Route 53 failover pair, SSM and CloudWatch's ReplicaLag. A region listed in "down" answers
every call like an unreachable endpoint. Every call is logged, so the cases check both the
end state and the order of the steps. Nothing reaches AWS.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = os.path.join(HERE, "..", "..", "scripts", "region")
A, B = "eu-west-1", "eu-central-1"

FAKE_TERRAFORM = r'''#!/usr/bin/env python3
import json, os, sys
world = json.load(open(os.environ["FAKE_WORLD"]))
args = [a for a in sys.argv[1:] if not a.startswith("-chdir=")]
if args == ["output", "-json", "region_failover"]:
    print(json.dumps(world["layout"])); sys.exit(0)
print("fake terraform: unsupported " + " ".join(args), file=sys.stderr); sys.exit(2)
'''

FAKE_AWS = r'''#!/usr/bin/env python3
import datetime, json, os, sys
w = os.environ["FAKE_WORLD"]
world = json.load(open(w))
args = sys.argv[1:]
def opt(name):
    return args[args.index(name) + 1] if name in args else None
region = opt("--region")
world["calls"].append([region] + args[:2] + [a for a in args[2:] if not a.startswith("--") or a in ("--multi-az",)][:6])
def done(out=None, err=None, code=0):
    json.dump(world, open(w, "w"))
    if err:
        print(err, file=sys.stderr)
    else:
        print(json.dumps(out or {}))
    sys.exit(code)
if region in world["down"]:
    done(err=f"Could not connect to the endpoint URL: https://{args[0]}.{region}.amazonaws.com/", code=255)
rds = world["rds"].setdefault(region, {})
verb = tuple(args[:2])
if verb == ("rds", "describe-db-instances"):
    i = rds.get(opt("--db-instance-identifier"))
    if i is None:
        done(err="An error occurred (DBInstanceNotFound)", code=254)
    out = dict(i)
    for k in ("promote_in", "available_in"):
        if i.get(k) is not None:
            i[k] -= 1
            if i[k] < 0:
                i.pop(k)
                if k == "promote_in":
                    i.pop("ReadReplicaSourceDBInstanceIdentifier", None)
                i["DBInstanceStatus"] = "available"
    for g in i.get("DBParameterGroups", []):
        g["ParameterApplyStatus"] = "in-sync"
    done({"DBInstances": [{k: v for k, v in out.items() if k not in ("promote_in", "available_in")}]})
if verb == ("rds", "promote-read-replica"):
    i = rds[opt("--db-instance-identifier")]
    assert i.get("ReadReplicaSourceDBInstanceIdentifier"), "promote of a non-replica"
    i["DBInstanceStatus"] = "modifying"; i["promote_in"] = 1
    world["events"].append(["promote", region])
    done({"DBInstance": {}})
if verb == ("rds", "modify-db-instance"):
    old, new = opt("--db-instance-identifier"), opt("--new-db-instance-identifier")
    i = rds.pop(old); i["DBInstanceIdentifier"] = new; rds[new] = i
    world["events"].append(["rename", region, old, new])
    done({"DBInstance": {}})
if verb == ("rds", "create-db-instance-read-replica"):
    ident, src = opt("--db-instance-identifier"), opt("--source-db-instance-identifier")
    assert ident not in rds, "name taken"
    src_region = src.split(":")[3]
    src_i = [i for i in world["rds"][src_region].values() if i["DBInstanceArn"] == src][0]
    assert not src_i.get("ReadReplicaSourceDBInstanceIdentifier"), "replica of a replica"
    rds[ident] = {"DBInstanceIdentifier": ident, "DBInstanceArn": f"arn:aws:rds:{region}:1:db:{ident}",
                  "ReadReplicaSourceDBInstanceIdentifier": src, "DBInstanceStatus": "creating", "available_in": 1,
                  "KmsKeyId": opt("--kms-key-id"), "StorageEncrypted": True,
                  "DBParameterGroups": [{"DBParameterGroupName": opt("--db-parameter-group-name"), "ParameterApplyStatus": "in-sync"}],
                  "data": list(src_i["data"]), "password": src_i["password"]}
    world["events"].append(["replica", region, ident, src_region, opt("--kms-key-id")])
    done({"DBInstance": {}})
if verb == ("rds", "modify-db-parameter-group"):
    name = opt("--db-parameter-group-name")
    value = json.loads(opt("--parameters"))[0]["ParameterValue"]
    world["params"][name] = value
    for i in rds.values():
        for g in i.get("DBParameterGroups", []):
            if g["DBParameterGroupName"] == name:
                g["ParameterApplyStatus"] = "applying"
    world["events"].append(["read_only", region, value])
    done({"DBParameterGroupName": name})
if verb == ("cloudwatch", "get-metric-statistics"):
    world["lag_calls"] += 1
    t = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0) + datetime.timedelta(minutes=1 + world["lag_calls"])
    frozen = any(e[0] == "read_only" and e[2] == "1" for e in world["events"])
    lag = world["lag_frozen"] if frozen else world["lag"]
    done({"Datapoints": [{"Timestamp": t.isoformat().replace("+00:00", "Z"), "Maximum": lag}]})
g = world["global"] or {"id": None, "members": {}}
if args[0] == "elasticache" and "describe-global" in args[1] and opt("--global-replication-group-id") != g["id"]:
    done(err="An error occurred (GlobalReplicationGroupNotFoundFault)", code=254)
if verb == ("elasticache", "delete-global-replication-group"):
    assert "--retain-primary-replication-group" in args
    for k, m in g["members"].items():
        world["standalone"][k] = m["region"]
    world["global"] = None
    world["events"].append(["datastore_delete", region])
    done({})
if verb == ("elasticache", "create-global-replication-group"):
    rg = opt("--primary-replication-group-id")
    assert world["standalone"].get(rg) == region, "primary of a new datastore must stand alone in its region"
    del world["standalone"][rg]
    world["global"] = {"id": "virxk-" + opt("--global-replication-group-id-suffix"), "members": {rg: {"region": region, "role": "primary"}}}
    world["events"].append(["datastore_create", region, rg])
    done({"GlobalReplicationGroup": {"GlobalReplicationGroupId": world["global"]["id"]}})
if verb == ("elasticache", "describe-global-replication-groups"):
    members = [{"ReplicationGroupId": k, "ReplicationGroupRegion": m["region"], "Role": m["role"], "Status": "associated"}
               for k, m in g["members"].items()]
    done({"GlobalReplicationGroups": [{"GlobalReplicationGroupId": g["id"], "Members": members}]})
if verb == ("elasticache", "failover-global-replication-group"):
    if any(m["region"] in world["down"] for m in g["members"].values()):
        done(err="An error occurred (InvalidGlobalReplicationGroupState): a member is unavailable", code=254)
    for k, m in g["members"].items():
        m["role"] = "primary" if k == opt("--primary-replication-group-id") else "secondary"
    world["events"].append(["cache_failover", region])
    done({"GlobalReplicationGroup": {}})
if verb == ("elasticache", "disassociate-global-replication-group"):
    rg = opt("--replication-group-id")
    g["members"].pop(rg)
    world["standalone"][rg] = region
    world["events"].append(["cache_leave", region, rg])
    done({"GlobalReplicationGroup": {}})
if verb == ("elasticache", "describe-replication-groups"):
    rg = opt("--replication-group-id")
    if rg in g["members"]:
        done({"ReplicationGroups": [{"ReplicationGroupId": rg, "Status": "available",
                                     "GlobalReplicationGroupInfo": {"GlobalReplicationGroupId": g["id"]}}]})
    if world["standalone"].get(rg) == region:
        done({"ReplicationGroups": [{"ReplicationGroupId": rg, "Status": "available"}]})
    done(err="An error occurred (ReplicationGroupNotFoundFault)", code=254)
if verb == ("elasticache", "delete-replication-group"):
    rg = opt("--replication-group-id")
    if world["standalone"].pop(rg, None) is None:
        done(err="An error occurred (ReplicationGroupNotFoundFault)", code=254)
    world["events"].append(["cache_delete", region, rg])
    done({})
if verb == ("elasticache", "create-replication-group"):
    rg = opt("--replication-group-id")
    assert opt("--global-replication-group-id") == g["id"]
    g["members"][rg] = {"region": region, "role": "secondary"}
    world["events"].append(["cache_join", region, rg])
    done({})
if verb == ("autoscaling", "describe-auto-scaling-groups"):
    a = world["asg"][region][opt("--auto-scaling-group-names")]
    done({"AutoScalingGroups": [{"MinSize": a[0], "DesiredCapacity": a[1], "MaxSize": a[2]}]})
if verb == ("autoscaling", "update-auto-scaling-group"):
    world["asg"][region][opt("--auto-scaling-group-name")] = [int(opt("--min-size")), int(opt("--desired-capacity")), int(opt("--max-size"))]
    world["events"].append(["scale", region, int(opt("--desired-capacity"))])
    done({})
if verb == ("route53", "list-resource-record-sets"):
    done({"ResourceRecordSets": world["records"]})
if verb == ("route53", "change-resource-record-sets"):
    batch = json.loads(opt("--change-batch"))
    recs = {r["SetIdentifier"]: r for r in world["records"]}
    for c in batch["Changes"]:
        assert c["Action"] == "UPSERT"
        recs[c["ResourceRecordSet"]["SetIdentifier"]] = c["ResourceRecordSet"]
    roles = sorted(r["Failover"] for r in recs.values())
    if roles != ["PRIMARY", "SECONDARY"]:
        done(err="InvalidChangeBatch: failover pair incomplete", code=254)
    world["records"] = list(recs.values())
    world["events"].append(["route", [r["SetIdentifier"] for r in world["records"] if r["Failover"] == "PRIMARY"][0]])
    done({"ChangeInfo": {"Status": "PENDING"}})
if verb == ("route53", "get-health-check-status"):
    done({"HealthCheckObservations": [{"StatusReport": {"Status": "Success: HTTP Status Code 200"}}]})
if verb == ("ssm", "put-parameter"):
    world["ssm"].setdefault(region, {})[opt("--name")] = opt("--value")
    done({"Version": 1})
sm = world["secrets"]
def secret(arn):
    return sm.get(arn)
if args[0] == "secretsmanager":
    sid = opt("--secret-id")
    x = secret(sid)
    if verb[1] != "replicate-secret-to-regions" and (x is None or x["region"] != region):
        done(err="An error occurred (ResourceNotFoundException)", code=254)
    if verb[1] == "stop-replication-to-replica":
        if not x.get("replica_of"):
            done(err="An error occurred (InvalidRequestException): the secret is not a replica", code=254)
        src = secret(x.pop("replica_of"))
        if src:
            src["replicas"] = [r for r in src["replicas"] if r != region]
        world["events"].append(["secret_standalone", region])
        done({})
    if verb[1] == "get-secret-value":
        done({"SecretString": x["value"]})
    if verb[1] == "put-secret-value":
        assert not x.get("replica_of"), "put-secret-value on a replica secret"
        x["value"] = opt("--secret-string")
        for a2, y in sm.items():
            if y.get("replica_of") == sid:
                y["value"] = x["value"]
        world["events"].append(["secret_put", region])
        done({})
    if verb[1] == "describe-secret":
        done({"ReplicationStatus": [{"Region": r} for r in x.get("replicas", [])]})
    if verb[1] == "delete-secret":
        del sm[sid]
        world["events"].append(["secret_delete", region])
        done({})
    if verb[1] == "replicate-secret-to-regions":
        r2 = opt("--add-replica-regions").split("=", 1)[1]
        arn2 = sid.replace(f":{region}:", f":{r2}:")
        if arn2 in sm:
            done(err="An error occurred (InvalidRequestException): a secret with this name exists in " + r2, code=254)
        sm[arn2] = {"region": r2, "value": x["value"], "replica_of": sid}
        x.setdefault("replicas", []).append(r2)
        world["events"].append(["secret_replicate", r2])
        done({})
done(err="fake aws: unsupported " + " ".join(args), code=2)
'''


def secret_arn(region):
    return f"arn:aws:secretsmanager:{region}:1:secret:conduit/conduit-production/db-master-AbC123"


def side(region, name, role_id):
    return {
        "region": region, "db_instance_identifier": f"conduit-production-{name}", "db_secret_arn": secret_arn(region),
        "db_instance_class": "db.t4g.medium", "db_subnet_group_name": f"conduit-{name}-db",
        "db_security_group_ids": [f"sg-{name}db"], "kms_key_arn": f"arn:aws:kms:{region}:1:key/{name}",
        "db_parameter_group_name": f"conduit-{name}-pg16", "multi_az": True, "backup_retention_days": 7,
        "replication_group_id": f"conduit-production-{name}", "cache_subnet_group_name": f"conduit-{name}-cache",
        "cache_security_group_ids": [f"sg-{name}cache"], "cache_nodes": 2,
        "asg_name": f"conduit-production-{name}-app", "record_set_identifier": role_id,
        "serving_capacity": {"min": 3, "desired": 3, "max": 9}, "warm_capacity": {"min": 2, "desired": 2, "max": 4},
    }


def world():
    p, s = side(A, "primary", "primary"), side(B, "standby", "standby")
    arn_a = f"arn:aws:rds:{A}:1:db:{p['db_instance_identifier']}"
    pg = lambda n: [{"DBParameterGroupName": n, "ParameterApplyStatus": "in-sync"}]
    return {
        "layout": {"primary": p, "standby": s, "global_replication_group_id": "ldgnf-conduit-production",
                   "global_replication_group_suffix": "conduit-production",
                   "hosted_zone_id": "Z1", "record_name": "api.example.com", "route53_api_region": "us-east-1"},
        "down": [], "calls": [], "events": [], "params": {}, "ssm": {}, "standalone": {}, "lag": 0.4, "lag_frozen": 0.0,
        "lag_calls": 0,
        "rds": {
            A: {p["db_instance_identifier"]: {"DBInstanceIdentifier": p["db_instance_identifier"], "DBInstanceArn": arn_a,
                                              "DBInstanceStatus": "available", "DBParameterGroups": pg(p["db_parameter_group_name"]),
                                              "data": ["w1", "w2", "w3"], "password": "pw-1"}},
            B: {s["db_instance_identifier"]: {"DBInstanceIdentifier": s["db_instance_identifier"],
                                              "DBInstanceArn": f"arn:aws:rds:{B}:1:db:{s['db_instance_identifier']}",
                                              "ReadReplicaSourceDBInstanceIdentifier": arn_a, "DBInstanceStatus": "available",
                                              "DBParameterGroups": pg(s["db_parameter_group_name"]), "data": ["w1", "w2"],
                                              "password": "pw-1"}},
        },
        "global": {"id": "ldgnf-conduit-production", "members": {
            p["replication_group_id"]: {"region": A, "role": "primary"},
            s["replication_group_id"]: {"region": B, "role": "secondary"}}},
        "asg": {A: {p["asg_name"]: [3, 4, 9]}, B: {s["asg_name"]: [2, 2, 4]}},
        "secrets": {secret_arn(A): {"region": A, "value": "pw-1", "replicas": [B]},
                    secret_arn(B): {"region": B, "value": "pw-1", "replica_of": secret_arn(A)}},
        "records": [
            {"Name": "api.example.com.", "Type": "A", "SetIdentifier": "primary", "Failover": "PRIMARY", "HealthCheckId": "hc-a",
             "AliasTarget": {"DNSName": "alb-a", "HostedZoneId": "ZA", "EvaluateTargetHealth": False}},
            {"Name": "api.example.com.", "Type": "A", "SetIdentifier": "standby", "Failover": "SECONDARY", "HealthCheckId": "hc-b",
             "AliasTarget": {"DNSName": "alb-b", "HostedZoneId": "ZB", "EvaluateTargetHealth": False}},
        ],
    }


class Run:
    def __init__(self, tmp, w):
        self.tmp, self.path = tmp, os.path.join(tmp, "world.json")
        self.save(w)
        for name, src in (("terraform", FAKE_TERRAFORM), ("aws", FAKE_AWS)):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as fh:
                fh.write(src)
            os.chmod(os.path.join(tmp, name), 0o755)
        envs = os.path.join(tmp, "envs", "production")
        os.makedirs(envs, exist_ok=True)
        open(os.path.join(envs, "main.tf"), "w").close()

    def save(self, w):
        with open(self.path, "w", encoding="utf-8") as fh:
            json.dump(w, fh)

    def load(self):
        with open(self.path, encoding="utf-8") as fh:
            return json.load(fh)

    def __call__(self, *args, timeout="30"):
        env = dict(os.environ, FAKE_WORLD=self.path, TERRAFORM=os.path.join(self.tmp, "terraform"),
                   AWS=os.path.join(self.tmp, "aws"), REGION_ENVS_DIR=os.path.join(self.tmp, "envs"),
                   REGION_POLL_SECONDS="0", REGION_TIMEOUT_SECONDS=timeout)
        p = subprocess.run([sys.executable, REGION, *args], capture_output=True, text=True, env=env, timeout=120, check=False)
        return p.returncode, (p.stdout + p.stderr)[-1500:]


def first(events, *match):
    for i, e in enumerate(events):
        if tuple(e[:len(match)]) == match:
            return i
    return None


def check(cond, why):
    if not cond:
        raise AssertionError(why)


def region_lost(run):
    w = world(); w["down"] = [A]; run.save(w)
    rc, out = run("failover", "production", "--yes")
    w = run.load(); ev = w["events"]
    check(rc == 0, f"exit {rc}: {out}")
    check(not w["rds"][B]["conduit-production-standby"].get("ReadReplicaSourceDBInstanceIdentifier"), "standby not promoted")
    check(first(ev, "cache_leave", B) is not None, "cache did not leave the datastore with its primary region lost")
    check(first(ev, "route", "standby") is not None and first(ev, "route") < first(ev, "promote"),
          "Route 53 not swapped before the promotion (the old region would take traffic back)")
    check(w["asg"][B]["conduit-production-standby-app"] == [3, 3, 9], f"standby not sized from the output: {w['asg'][B]}")
    check(w["ssm"].get(B, {}).get("/conduit-region/production/serving") == "standby", "serving side not recorded")
    check(not w["secrets"][secret_arn(B)].get("replica_of"), "the standby's database secret still replicates from the lost region")
    check(not any(c[0] == A and c[1] != "autoscaling" and c[1] != "ssm" and c[2].startswith(("promote", "create", "delete"))
                  for c in w["calls"]), "a mutating call went to the lost region")
    return w


def region_answers(run):
    w = world(); run.save(w)
    rc, out = run("failover", "production", "--yes")
    w = run.load(); ev = w["events"]
    check(rc == 0, f"exit {rc}: {out}")
    check(first(ev, "cache_failover", B) is not None and first(ev, "cache_leave") is None,
          "with both regions up the datastore must fail over, not split")
    check(w["asg"][A]["conduit-production-primary-app"] == [0, 0, 0], "old region's ASG not scaled to 0")
    check(w["asg"][B]["conduit-production-standby-app"] == [3, 4, 9], f"standby not sized like the live primary: {w['asg'][B]}")
    rc2, out2 = run("failover", "production", "--yes")
    check(rc2 == 1 and "serves already" in out2, f"a second failover must refuse: {rc2} {out2}")


def failback_after_loss(run):
    w = region_lost(run)
    w["down"] = []
    # The home region is back and its rotation runs: its secret and its old database get a new password.
    w["secrets"][secret_arn(A)]["value"] = "pw-2"
    w["rds"][A]["conduit-production-primary"]["password"] = "pw-2"
    check(w["secrets"][secret_arn(B)]["value"] == w["rds"][B]["conduit-production-standby"]["password"],
          "the home region's rotation changed the serving region's secret")
    w["rds"][B]["conduit-production-standby"]["data"].append("w4-after-failover")
    run.save(w)
    rc, out = run("failback", "production", "--yes")
    w = run.load(); ev = w["events"]
    check(rc == 0, f"exit {rc}: {out}")
    renamed = [e for e in ev if e[0] == "rename" and e[1] == A]
    check(renamed and "-diverged-" in renamed[0][3], "old home database not kept under a -diverged- name")
    rep = first(ev, "replica", A)
    check(rep is not None and ev[rep][3] == B and ev[rep][4].startswith(f"arn:aws:kms:{A}:"),
          "home not rebuilt as an encrypted replica of the standby with a home-region key")
    frz, prom = first(ev, "read_only", B, "1"), [i for i, e in enumerate(ev) if e[:2] == ["promote", A]]
    check(frz is not None and prom and frz < prom[0], "home promoted before writes were frozen in the standby")
    check(first(ev, "datastore_create", B, "conduit-production-standby") is not None,
          "the datastore was not re-created around the standby's sessions")
    check(first(ev, "cache_delete", A) is not None and first(ev, "cache_join", A) is not None, "home cache not re-joined")
    check(first(ev, "cache_failover", A) is not None, "cache not failed over back to home")
    check([e for e in ev if e[0] == "route"][-1] == ["route", "primary"], "Route 53 not back to the home region")
    home = w["rds"][A]["conduit-production-primary"]
    check(not home.get("ReadReplicaSourceDBInstanceIdentifier") and "w4-after-failover" in home["data"],
          "home is not a primary with the writes made during the failover")
    stand = w["rds"][B]["conduit-production-standby"]
    check(stand.get("ReadReplicaSourceDBInstanceIdentifier", "").startswith(f"arn:aws:rds:{A}:"), "standby not a replica of home again")
    unfrz = [i for i, e in enumerate(ev) if e[:3] == ["read_only", B, "0"]]
    check(unfrz and unfrz[-1] > first(ev, "replica", B), "the freeze must be lifted after the standby is a replica again")
    check(w["asg"][B]["conduit-production-standby-app"] == [2, 2, 4], "standby not back to its warm size")
    check(w["ssm"][A]["/conduit-region/production/serving"] == "primary", "home not recorded as serving")
    check(w["secrets"][secret_arn(A)]["value"] == home["password"], "the home secret does not hold the home database's password")
    check(w["secrets"][secret_arn(B)].get("replica_of") == secret_arn(A) and w["secrets"][secret_arn(B)]["value"] == home["password"],
          "the standby's secret is not a replica of home with the current password")
    check(first(ev, "secret_put", A) < first(ev, "scale", A, 3), "home instances scaled up before the home secret was right")


def fence_when_home_returns(run):
    w = region_lost(run)
    w["down"] = []
    run.save(w)
    rc, out = run("fence", "production")
    w = run.load()
    check(rc == 0, f"exit {rc}: {out}")
    check(w["asg"][A]["conduit-production-primary-app"] == [0, 0, 0], "home ASG not scaled to 0 once its API answers")
    check(w["ssm"][A]["/conduit-region/production/serving"] == "standby", "home region's SSM does not say the standby serves")
    check([r["SetIdentifier"] for r in w["records"] if r["Failover"] == "PRIMARY"] == ["standby"], "records not left on the standby")


def failback_lag_never_catches_up(run):
    w = region_lost(run)
    w["down"] = []; w["lag_frozen"] = 3.0
    run.save(w)
    rc, out = run("failback", "production", "--yes", timeout="3")
    w = run.load(); ev = w["events"]
    check(rc == 4, f"expected a timeout (exit 4), got {rc}: {out}")
    check(not any(e[:2] == ["promote", A] for e in ev), "home promoted while the replica had not caught up")
    check([e for e in ev if e[0] == "read_only"][-1] == ["read_only", B, "0"], "writes left frozen after the failback gave up")


def failback_when_home_serves(run):
    run.save(world())
    rc, out = run("failback", "production", "--yes")
    check(rc == 1 and "serves already" in out, f"{rc} {out}")


def status_reads_both(run):
    w = world(); w["down"] = [A]; run.save(w)
    rc, out = run("status", "production")
    check(rc == 0 and "no answer" in out and "replica of" in out and "record primary: PRIMARY" in out, out)


CASES = [
    ("failover with the primary region lost (cache leaves the datastore, DNS first)", region_lost),
    ("failover with both regions answering (datastore failover, old ASG to 0, refuses twice)", region_answers),
    ("failback: home rebuilt as replica, writes frozen before promotion, nothing lost", failback_after_loss),
    ("failback gives up without promoting and lifts the freeze when the lag stays", failback_lag_never_catches_up),
    ("fence: the returning home region is scaled to 0 and told the standby serves", fence_when_home_returns),
    ("failback refuses while home serves", failback_when_home_serves),
    ("status with a region silent", status_reads_both),
]


def plan_output_matches(plan_path):
    """Every key scripts/region is tested with exists in the planned output region_failover."""
    with open(plan_path, encoding="utf-8") as fh:
        change = json.load(fh).get("output_changes", {}).get("region_failover")
    check(change is not None, f"{plan_path}: no output region_failover")

    def keys(after, unknown, path):
        found = set()
        for src in (after, unknown):
            if isinstance(src, dict):
                found |= {f"{path}{k}" for k in src}
        return found
    after, unknown = change.get("after") or {}, change.get("after_unknown") or {}
    have = keys(after, unknown, "")
    for side_name in ("primary", "standby"):
        have |= keys((after or {}).get(side_name), (unknown if isinstance(unknown, dict) else {}).get(side_name), f"{side_name}.")
    layout = world()["layout"]
    want = {k for k in layout} | {f"{s}.{k}" for s in ("primary", "standby") for k in layout[s]}
    missing = sorted(want - have)
    check(not missing, f"the planned output lacks {missing}")


def main():
    failed = 0
    if len(sys.argv) > 1:
        CASES.append((f"layout: the production plan's output region_failover has every key scripts/region reads",
                      lambda _run: plan_output_matches(sys.argv[1])))
    for name, case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                case(Run(tmp, world()))
                print(f"PASS region {name}")
            except (AssertionError, KeyError, subprocess.TimeoutExpired) as e:
                failed += 1
                print(f"FAIL region {name}: {e!r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
