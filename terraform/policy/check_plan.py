#!/usr/bin/env python3
"""Policy checks on the JSON of an offline `terraform plan` (terraform show -json).

Usage: check_plan.py --env production plan.json

Every check prints one line, "PASS <check>" or "FAIL <check>: <why>"; the exit
status is 1 when any check fails. Values that are only known after apply
(resource IDs) are followed through the configuration part of the plan JSON:
a reference such as var.alb_security_group_id is resolved, module call by
module call, to the resource it finally comes from (e.g.
module.alb.aws_security_group.alb), so that "the app port only admits the ALB
security group" is checked on the real wiring, not on names or tags.
"""
import argparse
import json
import re
import sys

APP_PORT = 8080
ADMIN_PORT = 9090
DB_PORT = 5432
REDIS_PORT = 6379
HEALTH_PATH = "/health/ready"
OPEN_CIDRS = {"0.0.0.0/0", "::/0"}
# The API's body limit (CONDUIT_MAX_REQUEST_BYTES default): WAF must not refuse less.
MAX_REQUEST_BYTES = 1048576
# The only ALB TLS policies allowed (TLS 1.3 + 1.2, or 1.3 only); exact names, no substring.
ALLOWED_SSL_POLICIES = {
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
}
# Documented bounds (terraform/README.md, docs/operations.md).
HEALTH_INTERVAL = (5, 10)
HEALTH_TIMEOUT = (2, 5)
HEALTH_UNHEALTHY = (2, 3)
HEALTH_HEALTHY = (2, 5)
DRAIN_SECONDS = 10  # CONDUIT_SHUTDOWN_DRAIN: a draining target must leave rotation within it
DEREGISTRATION_DELAY = (15, 60)
MIN_ROTATION_DAYS = 30
# The only function allowed to rotate the master secret (and so to reach the database besides the app).
ROTATION_APPLICATION = "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser"


class Plan:
    def __init__(self, doc):
        self.doc = doc
        self.changes = [
            rc for rc in doc.get("resource_changes", [])
            if rc.get("mode") == "managed" and "delete" not in rc["change"]["actions"]
        ]
        # module path (tuple of call names) -> module configuration
        self.modules = {}
        self._index(doc["configuration"]["root_module"], ())

    def _index(self, module, path):
        self.modules[path] = module
        for name, call in module.get("module_calls", {}).items():
            self._index(call.get("module", {}), path + (name,))

    # ------------------------------------------------------------ values --
    def of_type(self, rtype):
        return [rc for rc in self.changes if rc["type"] == rtype]

    @staticmethod
    def after(rc):
        return rc["change"].get("after") or {}

    @staticmethod
    def unknown(rc, attr):
        return bool((rc["change"].get("after_unknown") or {}).get(attr))

    @staticmethod
    def base(rc):
        """Address without instance key: module.app.aws_x.name."""
        prefix = rc.get("module_address")
        return (prefix + "." if prefix else "") + rc["type"] + "." + rc["name"]

    def instances(self, base_address):
        """Planned instances of module.x.aws_y.z, or the one instance module.x.aws_y.z[0]."""
        return [rc for rc in self.changes if base_address in (self.base(rc), rc["address"])]

    # ---------------------------------------------------- configuration --
    @staticmethod
    def _path_of(rc):
        prefix = rc.get("module_address") or ""
        # module.app or module.a.module.b (our modules have no count/for_each)
        parts = prefix.split(".") if prefix else []
        return tuple(parts[i + 1] for i in range(0, len(parts), 2))

    @staticmethod
    def _prefix(path):
        return "".join(f"module.{p}." for p in path)

    def _resource_config(self, path, rtype, name):
        for res in self.modules.get(path, {}).get("resources", []):
            if res["type"] == rtype and res["name"] == name and res["mode"] == "managed":
                return res
        return None

    @staticmethod
    def _specific(refs):
        """Drop coarse references (module.app, var.x) when a finer one (module.app.x, var.x[0]) exists."""
        return [r for r in refs if not any(o != r and o.startswith((r + ".", r + "[")) for o in refs)]

    def resolve_expr(self, path, expr, res_cfg=None, depth=0):
        """Set of origins of an expression: resource base addresses, 'const:<v>', or 'unresolved:<ref>'."""
        if depth > 30:
            return {"unresolved:depth"}
        if expr is None:
            return set()
        if isinstance(expr, list):  # nested blocks
            out = set()
            for item in expr:
                for sub in item.values():
                    out |= self.resolve_expr(path, sub, res_cfg, depth + 1)
            return out
        if "constant_value" in expr:
            return {"const:" + json.dumps(expr["constant_value"], sort_keys=True)}
        out = set()
        for ref in self._specific(expr.get("references", [])):
            out |= self.resolve_ref(path, ref, res_cfg, depth + 1)
        return out

    def resolve_ref(self, path, ref, res_cfg=None, depth=0):
        parts = ref.split(".")
        head = parts[0]
        if head == "var":
            if "[" in parts[1]:  # one element of a variable: which one is not followed
                return {"unresolved:" + ref}
            if not path:
                return {"rootvar:" + parts[1]}
            parent, call = path[:-1], path[-1]
            call_cfg = self.modules[parent]["module_calls"][call]
            expr = call_cfg.get("expressions", {}).get(parts[1])
            if expr is None:  # default value of the variable
                default = self.modules[path].get("variables", {}).get(parts[1], {}).get("default")
                return {"const:" + json.dumps(default, sort_keys=True)}
            return self.resolve_expr(parent, expr, None, depth + 1)
        if head == "module":
            if len(parts) < 3:
                return {"unresolved:" + ref}
            child = path + (parts[1],)
            out_cfg = self.modules.get(child, {}).get("outputs", {}).get(parts[2])
            if out_cfg is None:
                return {"unresolved:" + ref}
            return self.resolve_expr(child, out_cfg.get("expression"), None, depth + 1)
        if head == "each":
            if res_cfg is None or "for_each_expression" not in res_cfg:
                return {"unresolved:" + ref}
            return self.resolve_expr(path, res_cfg["for_each_expression"], None, depth + 1)
        if head in ("count", "path", "terraform", "self"):
            return set()
        if head == "local":
            return {"unresolved:" + ref}
        if head == "data":
            return {self._prefix(path) + ".".join(parts[:3])}
        return {self._prefix(path) + ".".join(parts[:2])}

    def origins(self, rc, attr):
        """Origins of attribute `attr` of a planned resource, via its configuration."""
        path = self._path_of(rc)
        cfg = self._resource_config(path, rc["type"], rc["name"])
        if cfg is None:
            return {"unresolved:noconfig"}
        expr = cfg.get("expressions", {}).get(attr)
        if expr is None:
            return set()
        return self.resolve_expr(path, expr, cfg)

    # ----------------------------------------------------------- regions --
    def variable(self, name):
        return ((self.doc.get("variables") or {}).get(name) or {}).get("value")

    def region_of(self, rc):
        """Region of a planned resource: its provider configuration's region (a constant or a root
        variable such as var.standby_region), resolved with the plan's variable values."""
        cfg = self._resource_config(self._path_of(rc), rc["type"], rc["name"]) or {}
        key = cfg.get("provider_config_key", "aws")
        provider = (self.doc["configuration"].get("provider_config") or {}).get(key) or {}
        expr = (provider.get("expressions") or {}).get("region") or {}
        if "constant_value" in expr:
            return expr["constant_value"]
        refs = [r for r in expr.get("references", []) if r.startswith("var.")]
        return self.variable(refs[0].split(".")[1]) if refs else None

    def resolved(self, rc, attr, rtype):
        """Planned instances of type rtype that attribute attr of rc comes from."""
        out = []
        for o in sorted(self.origins(rc, attr)):
            out += [x for x in self.instances(o) if x["type"] == rtype]
        return out

    def resolved_expr(self, rc, rtype, *attrs):
        """Like resolved() for a nested attribute (alias.name): instances of rtype it comes from."""
        expr = self.attr_expr(rc, *attrs)
        out = []
        for o in sorted(self.resolve_expr(self._path_of(rc), expr) if expr else set()):
            out += [x for x in self.instances(o) if x["type"] == rtype]
        return out

    def attr_expr(self, rc, *attrs):
        path = self._path_of(rc)
        cfg = self._resource_config(path, rc["type"], rc["name"])
        expr = (cfg or {}).get("expressions", {})
        for a in attrs:
            if isinstance(expr, list):
                expr = expr[0] if expr else {}
            expr = (expr or {}).get(a)
        return expr


class Checker:
    def __init__(self, env):
        self.env = env
        self.failed = 0

    def check(self, name, ok, why=""):
        label = f"policy[{self.env}] {name}"
        if ok:
            print(f"PASS {label}")
        else:
            self.failed += 1
            print(f"FAIL {label}: {why}")


def covers(rule, port):
    proto = str(rule.get("ip_protocol", rule.get("protocol", "")))
    if proto in ("-1", "all"):
        return True
    lo, hi = rule.get("from_port"), rule.get("to_port")
    if lo is None or hi is None:
        return False
    return lo <= port <= hi

FAILOVER_PATHS = {"PRIMARY": "/health/region?writable=true", "SECONDARY": "/health/region"}
FAILOVER_INTERVAL = 10
FAILOVER_THRESHOLD = 3
MAX_REPLICA_LAG_ALARM = 60  # seconds: docs/operations.md promises an RPO of at most a minute


def standby_standby_checks(plan, c, A, standby, primary_region, replicas, rgs, asgs, is_secondary):
    """The standby region: replica, Redis secondary, warm ASG, Route 53 failover pair."""
    # Cross-region read replica: encrypted with a key of its region, source in the other region.
    c.check("standby: a cross-region read replica of the database is planned", bool(replicas), "no replica")
    for db in replicas:
        name = A(db).get("identifier")
        sources = plan.resolved(db, "replicate_source_db", "aws_db_instance")
        src_regions = {plan.region_of(x) for x in sources}
        region = plan.region_of(db)
        c.check(f"standby: replica {name} in a different region ({region}) than its source ({', '.join(sorted(map(str, src_regions)))})",
                bool(sources) and region == standby and None not in src_regions and region not in src_regions,
                f"replicate_source_db resolves to {[x['address'] for x in sources]}")
        keys = plan.resolved(db, "kms_key_id", "aws_kms_key")
        known_key = A(db).get("kms_key_id")
        key_ok = (all(plan.region_of(k) == region for k in keys) and bool(keys)) or \
            (isinstance(known_key, str) and known_key.split(":")[3:4] == [region])
        c.check(f"standby: replica {name} encrypted with a KMS key of its region",
                A(db).get("storage_encrypted") is True and key_ok,
                f"storage_encrypted={A(db).get('storage_encrypted')}, kms_key_id from {[k['address'] for k in keys] or known_key}")
        lag_alarms = [A(al) for al in plan.of_type("aws_cloudwatch_metric_alarm")
                      if A(al).get("namespace") == "AWS/RDS" and A(al).get("metric_name") == "ReplicaLag"
                      and (A(al).get("dimensions") or {}).get("DBInstanceIdentifier") == name]
        c.check(f"standby: replica {name} has a ReplicaLag alarm at <= {MAX_REPLICA_LAG_ALARM} s (the RPO)",
                bool(lag_alarms) and all(isinstance(al.get("threshold"), (int, float))
                                         and al["threshold"] <= MAX_REPLICA_LAG_ALARM for al in lag_alarms),
                f"ReplicaLag alarms on {name}: {[(al.get('alarm_name'), al.get('threshold')) for al in lag_alarms]}")

    # Global Datastore: the secondary is in the standby region, its primary in the other one.
    secondaries = [r for r in rgs if is_secondary(r)]
    gds_ok, why = bool(secondaries), "no replication group joins a Global Datastore"
    for rg in secondaries:
        prims = []
        for gds in plan.resolved(rg, "global_replication_group_id", "aws_elasticache_global_replication_group"):
            prims += plan.resolved(gds, "primary_replication_group_id", "aws_elasticache_replication_group")
        azs = A(rg).get("preferred_cache_cluster_azs") or []
        if not prims or plan.region_of(rg) != standby or any(plan.region_of(p) == standby for p in prims) \
                or not azs or not all(str(az).startswith(standby) for az in azs):
            gds_ok = False
            why = (f"{rg['address']} in {plan.region_of(rg)} (AZs {azs}), datastore primary "
                   f"{[(p['address'], plan.region_of(p)) for p in prims]}")
    c.check(f"standby: the Global Datastore's secondary is in the standby region ({standby})", gds_ok, why)

    # Warm standby ASG: min >= 2 over >= 2 subnets in distinct AZs of the standby region.
    standby_asgs = [a for a in asgs if plan.region_of(a) == standby]
    for a in standby_asgs or [None]:
        if a is None:
            c.check("standby: an Auto Scaling group in the standby region", False, "none planned")
            continue
        subnets, unresolved = [], []
        for o in plan.origins(a, "vpc_zone_identifier"):
            if o.startswith(("unresolved:", "rootvar:")):
                unresolved.append(o)
            subnets += [sn for sn in plan.instances(o) if sn["type"] == "aws_subnet"]
        azs = {A(sn).get("availability_zone") for sn in subnets}
        c.check(f"standby: ASG {A(a).get('name')} min_size >= 2 over >= 2 subnets in distinct AZs of {standby}",
                (A(a).get("min_size") or 0) >= 2 and not unresolved and len(subnets) >= 2 and len(azs) >= 2
                and all(str(z).startswith(standby) for z in azs),
                f"min_size={A(a).get('min_size')}, subnets {sorted(sn['address'] for sn in subnets)} in AZs "
                f"{sorted(str(z) for z in azs)}, unresolved {unresolved}")

    # Route 53 failover: one PRIMARY and one SECONDARY per name, aliases to two different ALBs,
    # each with its own health check on /health/region through that ALB.
    records = [r for r in plan.of_type("aws_route53_record") if A(r).get("failover_routing_policy")]
    by_name = {}
    for r in records:
        by_name.setdefault((A(r).get("zone_id"), A(r).get("name"), A(r).get("type")), []).append(r)
    c.check("standby: Route 53 failover records planned", bool(records), "no record with failover_routing_policy")
    for key, group in sorted(by_name.items(), key=lambda kv: str(kv[0])):
        types = sorted(((A(r).get("failover_routing_policy") or [{}])[0]).get("type") for r in group)
        albs = [tuple(x["address"] for x in plan.resolved_expr(r, "aws_lb", "alias", "name")) for r in group]
        c.check(f"standby: failover pair of {key[1]} complete (one PRIMARY, one SECONDARY, aliases to two different ALBs)",
                types == ["PRIMARY", "SECONDARY"] and all(len(x) == 1 for x in albs) and len(set(albs)) == 2
                and all(((A(r).get("alias") or [{}])[0]).get("evaluate_target_health") is False for r in group),
                f"types {types}, alias targets {albs}")
        hc_ok, why = True, ""
        for r in group:
            kind = ((A(r).get("failover_routing_policy") or [{}])[0]).get("type")
            hcs = plan.resolved(r, "health_check_id", "aws_route53_health_check")
            if len(hcs) != 1:
                hc_ok, why = False, f"{r['address']} ({kind}): health_check_id resolves to {[h['address'] for h in hcs]}"
                continue
            h = A(hcs[0])
            target = plan.resolved(hcs[0], "fqdn", "aws_lb")
            alias = plan.resolved_expr(r, "aws_lb", "alias", "name")
            want = FAILOVER_PATHS.get(kind)
            if not (h.get("type") == "HTTPS" and h.get("port") == 443 and h.get("resource_path") == want
                    and h.get("request_interval") == FAILOVER_INTERVAL and h.get("failure_threshold") == FAILOVER_THRESHOLD
                    and target and [x["address"] for x in target] == [x["address"] for x in alias]):
                hc_ok = False
                why = (f"{r['address']} ({kind}): {hcs[0]['address']} type={h.get('type')} port={h.get('port')} "
                       f"path={h.get('resource_path')!r} (want {want!r}) interval={h.get('request_interval')} "
                       f"threshold={h.get('failure_threshold')} through {[x['address'] for x in target]} "
                       f"(alias {[x['address'] for x in alias]})")
        c.check(f"standby: every failover record of {key[1]} has a health check attached", all(
            len(plan.resolved(r, "health_check_id", "aws_route53_health_check")) == 1 for r in group),
            f"{[(r['address'], A(r).get('health_check_id')) for r in group]}")
        c.check(f"standby: failover health checks of {key[1]} on /health/region through their region's ALB "
                f"(PRIMARY with writable=true, HTTPS, {FAILOVER_INTERVAL} s x {FAILOVER_THRESHOLD})", hc_ok, why)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--env", required=True)
    ap.add_argument("plan")
    args = ap.parse_args()
    with open(args.plan, encoding="utf-8") as fh:
        plan = Plan(json.load(fh))
    c = Checker(args.env)
    production = args.env == "production"
    A = plan.after

    # ---------------------------------------------------------------- RDS --
    dbs = plan.of_type("aws_db_instance")

    def is_replica(db):
        return bool(A(db).get("replicate_source_db") or plan.unknown(db, "replicate_source_db"))

    primaries = [d for d in dbs if not is_replica(d)]
    replicas = [d for d in dbs if is_replica(d)]
    c.check("rds present", len(primaries) >= 1, "no primary aws_db_instance planned")
    c.check("rds multi_az", dbs and all(A(r).get("multi_az") is True for r in dbs),
            "an RDS instance is not Multi-AZ")
    c.check("rds storage encrypted", dbs and all(A(r).get("storage_encrypted") is True for r in dbs),
            "an RDS instance is not encrypted")
    c.check("rds not public", dbs and all(A(r).get("publicly_accessible") is False for r in dbs),
            "an RDS instance is publicly accessible")
    # The primary's master password: generated by Secrets Manager, given to the instance write-only
    # (password_wo, never `password`), stored write-only in a Terraform-owned Secrets Manager secret
    # (the same generated value, with the instance's endpoint), not manage_master_user_password
    # (RDS creates no read replica of such a source). A read replica has no password of its own.
    versions = plan.of_type("aws_secretsmanager_secret_version")

    def generated(origins):
        return {o for o in origins if ".aws_secretsmanager_random_password." in "." + o}

    def replicas_of(db):
        return [r for r in replicas if plan.base(db) in plan.origins(r, "replicate_source_db")]

    master_secret, pw_why = {}, []  # primary base address -> its aws_secretsmanager_secret
    for db in primaries:
        a, name = A(db), plan.base(db)
        pw = generated(plan.origins(db, "password_wo"))
        if a.get("password") or plan.unknown(db, "password") or (plan.attr_expr(db, "password") or {}):
            pw_why.append(f"{name}: plain `password` (in plan and state in clear); use password_wo")
            continue
        if a.get("manage_master_user_password") and replicas_of(db):
            pw_why.append(f"{name}: manage_master_user_password with a read replica (RDS refuses to create it)")
            continue
        if not pw or a.get("password_wo_version") is None:
            pw_why.append(f"{name}: password_wo not from aws_secretsmanager_random_password or no password_wo_version")
            continue
        mine = [v for v in versions
                if name in plan.origins(v, "secret_string_wo") and pw & generated(plan.origins(v, "secret_string_wo"))]
        ok = [v for v in mine if not A(v).get("secret_string") and not plan.unknown(v, "secret_string")
              and A(v).get("secret_string_wo_version") is not None]
        secrets = [s for v in ok for s in plan.resolved(v, "secret_id", "aws_secretsmanager_secret")]
        if len(secrets) != 1:
            pw_why.append(f"{name}: no single secret version holding the same generated password write-only "
                          f"(secret_string_wo + version) with the instance's endpoint: {[v['address'] for v in mine]}")
            continue
        master_secret[name] = secrets[0]
    bad_replicas = [plan.base(r) for r in replicas if A(r).get("password") or A(r).get("manage_master_user_password")
                    or A(r).get("password_wo_version") is not None]
    if bad_replicas:
        pw_why.append(f"replicas with a password of their own: {bad_replicas}")
    c.check("rds master password in secrets manager (Terraform-owned secret, write-only, no managed password with a replica)",
            bool(primaries) and not pw_why, "; ".join(pw_why))
    kms_bad = [(plan.base(s), A(s).get("kms_key_id")) for s in master_secret.values()
               if A(s).get("kms_key_id") is not None and not re.match(r"arn:aws[a-z-]*:kms:", str(A(s).get("kms_key_id")))
               and not plan.unknown(s, "kms_key_id")]
    c.check("rds master secret KMS-encrypted (a KMS key or aws/secretsmanager)", bool(master_secret) and not kms_bad,
            f"secrets {kms_bad or 'missing'}")
    # Every region with a read replica of the database has a replica of its master secret: the
    # instances there read the secret in their own region (also while the primary region is down).
    repl_why = []
    for db in primaries:
        secret = master_secret.get(plan.base(db))
        regions = {x.get("region") for x in (A(secret).get("replica") or [])} if secret else set()
        for r in replicas_of(db):
            if plan.region_of(r) not in regions:
                repl_why.append(f"{plan.base(r)} in {plan.region_of(r)}: secret of {plan.base(db)} replicated to {sorted(regions)}")
    if replicas:
        c.check("rds master secret replicated to every replica's region", bool(master_secret) and not repl_why,
                "; ".join(repl_why) or "no master secret")
    c.check("rds backups >= 7 days (PITR)",
            dbs and all((A(r).get("backup_retention_period") or 0) >= 7 for r in dbs), "backup retention < 7")
    c.check("rds final snapshot", dbs and all(A(r).get("skip_final_snapshot") is False for r in dbs),
            "skip_final_snapshot is true")
    if production:
        c.check("rds deletion protection (production)",
                dbs and all(A(r).get("deletion_protection") is True for r in dbs), "deletion_protection is off")

    force_ssl_groups = {
        plan.base(pg) for pg in plan.of_type("aws_db_parameter_group")
        if any(p.get("name") == "rds.force_ssl" and str(p.get("value")) == "1" for p in A(pg).get("parameter") or [])
    }
    tls_ok = bool(dbs)
    for db in dbs:
        if not plan.origins(db, "parameter_group_name") & force_ssl_groups:
            tls_ok = False
    c.check("rds tls forced (rds.force_ssl=1 parameter group attached)", tls_ok,
            "the DB instance does not use a parameter group with rds.force_ssl = 1")

    # -------------------------------------------------------------- Redis --
    rgs = plan.of_type("aws_elasticache_replication_group")
    c.check("redis present", len(rgs) >= 1, "no replication group planned")
    c.check("redis automatic failover + multi-az",
            rgs and all(A(r).get("automatic_failover_enabled") is True and A(r).get("multi_az_enabled") is True
                        and (A(r).get("num_cache_clusters") or 0) >= 2 for r in rgs),
            "failover / multi-AZ / replica missing")
    def is_secondary(rg):
        """Joins a Global Datastore: global_replication_group_id is set in the configuration (to a
        datastore, whose id is known only after apply), not left null (then it is only computed)."""
        return bool(A(rg).get("global_replication_group_id")) or any(
            not o.startswith("const:") or o != "const:null" for o in plan.origins(rg, "global_replication_group_id"))

    def datastore_primaries(rg):
        """A secondary's Global Datastore primary replication group(s), through the wiring."""
        out = []
        for gds in plan.resolved(rg, "global_replication_group_id", "aws_elasticache_global_replication_group"):
            out += plan.resolved(gds, "primary_replication_group_id", "aws_elasticache_replication_group")
        return out

    def encrypted(r):
        return (A(r).get("transit_encryption_enabled") is True and A(r).get("transit_encryption_mode") == "required"
                and str(A(r).get("at_rest_encryption_enabled")).lower() == "true")

    # A Global Datastore secondary takes its encryption from the datastore (the provider rejects
    # the settings on it): it must not set them to anything else, and its primary must pass.
    c.check("redis tls in transit + at rest",
            rgs and all(encrypted(r) if not is_secondary(r) else
                        (datastore_primaries(r) and all(encrypted(p) for p in datastore_primaries(r))
                         and A(r).get("transit_encryption_enabled") in (None, True)
                         and A(r).get("transit_encryption_mode") in (None, "required")
                         and str(A(r).get("at_rest_encryption_enabled")).lower() in ("none", "true"))
                        for r in rgs),
            "transit encryption off or not \"required\" (\"preferred\" admits plaintext), or at-rest off"
            " (for a Global Datastore secondary: on its primary)")
    c.check("redis auth token set",
            rgs and all(A(r).get("auth_token") or plan.unknown(r, "auth_token") for r in rgs), "no AUTH token")

    # ---------------------------------------------------- launch template --
    lts = plan.of_type("aws_launch_template")
    c.check("launch template present", len(lts) >= 1, "no launch template planned")

    def imds_ok(lt):
        md = (A(lt).get("metadata_options") or [{}])[0]
        return (md.get("http_tokens") == "required" and md.get("http_put_response_hop_limit") == 1
                and md.get("http_endpoint") in ("enabled", None))

    c.check("imdsv2 required, hop limit 1", lts and all(imds_ok(lt) for lt in lts),
            "metadata_options must be http_tokens=required, hop limit 1")

    def ebs_ok(lt):
        bdms = A(lt).get("block_device_mappings") or []
        return bdms and all(
            str((b.get("ebs") or [{}])[0].get("encrypted")).lower() == "true"
            and (b.get("ebs") or [{}])[0].get("volume_type") == "gp3" for b in bdms)

    c.check("root volume encrypted gp3", lts and all(ebs_ok(lt) for lt in lts), "unencrypted or non-gp3 volume")

    # ---------------------------------------------------------------- ASG --
    asgs = plan.of_type("aws_autoscaling_group")
    c.check("asg present", len(asgs) >= 1, "no Auto Scaling group planned")
    c.check("asg min_size >= 2", asgs and all((A(a).get("min_size") or 0) >= 2 for a in asgs), "min_size < 2")
    c.check("asg elb health check", asgs and all(A(a).get("health_check_type") == "ELB" for a in asgs),
            "health_check_type is not ELB")

    for a in asgs:
        subnet_resources = {o for o in plan.origins(a, "vpc_zone_identifier") if not o.startswith("const:")}
        azs = set()
        unresolved = [o for o in subnet_resources if o.startswith(("unresolved:", "rootvar:"))]
        for base in subnet_resources:
            for sn in plan.instances(base):
                if sn["type"] == "aws_subnet":
                    azs.add(A(sn).get("availability_zone"))
        c.check(f"asg {A(a).get('name')} spans >= 3 AZs ({len(azs)})",
                not unresolved and len(azs) >= 3,
                f"subnets resolve to {sorted(subnet_resources)} in AZs {sorted(x for x in azs if x)}")

        lt_version = plan.attr_expr(a, "launch_template", "version") or {}
        pinned = ("constant_value" in lt_version and lt_version["constant_value"] not in ("$Latest", "$Default")) or \
            any(r.endswith(".latest_version") for r in lt_version.get("references", []))
        c.check("asg launch template version pinned (not $Latest)", pinned, f"version expression {lt_version}")

        refresh = (A(a).get("instance_refresh") or [{}])[0]
        prefs = (refresh.get("preferences") or [{}])[0]
        alarms = ((prefs.get("alarm_specification") or [{}])[0]).get("alarms") or []
        c.check("instance refresh rolling with auto rollback",
                refresh.get("strategy") == "Rolling" and prefs.get("auto_rollback") is True,
                f"strategy={refresh.get('strategy')} auto_rollback={prefs.get('auto_rollback')}")
        c.check("instance refresh min/max healthy 100/200",
                prefs.get("min_healthy_percentage") == 100 and prefs.get("max_healthy_percentage") == 200,
                f"min={prefs.get('min_healthy_percentage')} max={prefs.get('max_healthy_percentage')}")
        cps = prefs.get("checkpoint_percentages") or []
        c.check("instance refresh checkpoints", bool(cps) and cps[-1] == 100, f"checkpoint_percentages={cps}")
        planned_alarms = {A(al).get("alarm_name"): A(al) for al in plan.of_type("aws_cloudwatch_metric_alarm")}
        watched = {planned_alarms[n].get("metric_name") for n in alarms if n in planned_alarms}
        c.check("instance refresh rollback alarms (target 5xx, unhealthy hosts)",
                bool(alarms) and all(n in planned_alarms for n in alarms)
                and {"HTTPCode_Target_5XX_Count", "UnHealthyHostCount"} <= watched,
                f"alarm_specification={alarms} watches {sorted(x for x in watched if x)}")

    hooks = [h for h in plan.of_type("aws_autoscaling_lifecycle_hook")
             if A(h).get("lifecycle_transition") == "autoscaling:EC2_INSTANCE_TERMINATING"]
    tgs = plan.of_type("aws_lb_target_group")
    dereg = max([int(A(t).get("deregistration_delay") or 300) for t in tgs] or [300])
    policies = {(((A(p).get("target_tracking_configuration") or [{}])[0].get("predefined_metric_specification")
                  or [{}])[0].get("predefined_metric_type")) for p in plan.of_type("aws_autoscaling_policy")}
    c.check("target tracking on CPU and requests per target",
            {"ASGAverageCPUUtilization", "ALBRequestCountPerTarget"} <= policies, f"policies={sorted(filter(None, policies))}")

    # ---------------------------------------------------------------- ALB --
    c.check("target group health check /health/ready",
            tgs and all(((A(t).get("health_check") or [{}])[0]).get("path") == HEALTH_PATH
                        and ((A(t).get("health_check") or [{}])[0]).get("matcher") == "200" for t in tgs),
            "health check path/matcher")
    c.check("target group on app port 8080", tgs and all(A(t).get("port") == APP_PORT for t in tgs), "port")
    lbs = plan.of_type("aws_lb")
    c.check("alb drops invalid headers", lbs and all(A(lb).get("drop_invalid_header_fields") is True for lb in lbs),
            "drop_invalid_header_fields off")
    c.check("alb access logs enabled",
            lbs and all(((A(lb).get("access_logs") or [{}])[0]).get("enabled") is True for lb in lbs), "access logs off")
    listeners = plan.of_type("aws_lb_listener")
    https = [lst for lst in listeners if A(lst).get("protocol") == "HTTPS"]
    http = [lst for lst in listeners if A(lst).get("protocol") == "HTTP"]
    c.check("https listener ssl_policy in the TLS 1.2/1.3 allow-list",
            bool(https) and all(A(lst).get("ssl_policy") in ALLOWED_SSL_POLICIES for lst in https),
            f"ssl_policy {[A(lst).get('ssl_policy') for lst in https]} not in {sorted(ALLOWED_SSL_POLICIES)}")

    def redirects(lst):
        act = (A(lst).get("default_action") or [{}])[0]
        red = (act.get("redirect") or [{}])[0]
        return act.get("type") == "redirect" and red.get("protocol") == "HTTPS" and red.get("status_code") == "HTTP_301"

    c.check("http listener redirects to https (301)", bool(http) and all(redirects(lst) for lst in http),
            "an HTTP listener does not redirect")
    if production:
        c.check("waf web acl associated (production)", len(plan.of_type("aws_wafv2_web_acl_association")) >= 1,
                "no WAF association")
        nat = len(plan.of_type("aws_nat_gateway"))
        azc = len({A(s).get("availability_zone") for s in plan.of_type("aws_subnet")})
        c.check(f"nat gateway per AZ (production, {nat}/{azc})", nat >= azc >= 3, "single NAT gateway")

    # ---------------------------------------------------- security groups --
    sg_of = {}  # SG base address -> role
    for lb in lbs:
        for o in plan.origins(lb, "security_groups"):
            sg_of.setdefault(o, set()).add("alb")
    for lt in lts:
        for o in plan.origins(lt, "vpc_security_group_ids"):
            sg_of.setdefault(o, set()).add("app")
    for db in dbs:
        for o in plan.origins(db, "vpc_security_group_ids"):
            sg_of.setdefault(o, set()).add("db")
    for rg in rgs:
        for o in plan.origins(rg, "security_group_ids"):
            sg_of.setdefault(o, set()).add("cache")
    roles = {}
    for sg, rs in sg_of.items():
        for r in rs:
            roles.setdefault(r, set()).add(sg)
    c.check("security groups resolved (alb, app, db, cache)",
            all(roles.get(r) and not any(s.startswith(("unresolved", "rootvar", "const")) for s in roles[r])
                for r in ("alb", "app", "db", "cache")),
            f"resolved: { {k: sorted(v) for k, v in roles.items()} }")

    # Every ingress rule: (target SG origins, source description, rule after)
    ingress = []
    for rule in plan.of_type("aws_vpc_security_group_ingress_rule"):
        a = A(rule)
        targets = plan.origins(rule, "security_group_id")
        if a.get("cidr_ipv4") or a.get("cidr_ipv6") or a.get("prefix_list_id"):
            src = {"cidr:" + str(a.get("cidr_ipv4") or a.get("cidr_ipv6") or a.get("prefix_list_id"))}
        else:
            src = plan.origins(rule, "referenced_security_group_id")
        ingress.append((rule["address"], targets, src, a))
    for rule in plan.of_type("aws_security_group_rule"):
        a = A(rule)
        if a.get("type") != "ingress":
            continue
        src = {"cidr:" + x for x in (a.get("cidr_blocks") or []) + (a.get("ipv6_cidr_blocks") or [])}
        src |= plan.origins(rule, "source_security_group_id")
        ingress.append((rule["address"], plan.origins(rule, "security_group_id"), src, a))
    for sg in plan.of_type("aws_security_group"):
        for i, blk in enumerate(A(sg).get("ingress") or []):
            src = {"cidr:" + x for x in (blk.get("cidr_blocks") or []) + (blk.get("ipv6_cidr_blocks") or [])}
            src |= {"sg:" + x for x in blk.get("security_groups") or []}
            ingress.append((f"{sg['address']}.ingress[{i}]", {plan.base(sg)}, src, blk))

    def rules_into(role, port):
        sgs = roles.get(role, set())
        return [(addr, src) for addr, targets, src, a in ingress if targets & sgs and covers(a, port)]

    def open_to_world(src):
        return any(s.startswith("cidr:") and s[5:] in OPEN_CIDRS for s in src)

    world_app = [addr for addr, targets, src, a in ingress if covers(a, APP_PORT) and open_to_world(src)]
    c.check("app port 8080 not reachable from 0.0.0.0/0", not world_app, f"open rules: {world_app}")
    app_rules = rules_into("app", APP_PORT)
    c.check("app port 8080 only from the ALB security group",
            bool(app_rules) and all(src and src <= roles.get("alb", set()) for _, src in app_rules),
            f"sources: {[(a, sorted(s)) for a, s in app_rules]}")
    admin_bad = [(addr, sorted(src)) for addr, targets, src, a in ingress
                 if covers(a, ADMIN_PORT) and (src & roles.get("alb", set()) or open_to_world(src))]
    c.check("admin port 9090 not reachable from the ALB security group or 0.0.0.0/0", not admin_bad,
            f"rules: {admin_bad}")
    # The database admits, besides the app, exactly the security group of its rotation function
    # (the AWS rotation application's stack, vpcSecurityGroupIds), named in the check.
    rotation_sgs = set()
    for st in plan.of_type("aws_serverlessapplicationrepository_cloudformation_stack"):
        if A(st).get("application_id") == ROTATION_APPLICATION:
            rotation_sgs |= {o for o in plan.origins(st, "parameters")
                             if any(x["type"] == "aws_security_group" for x in plan.instances(o))}
    for role, port in (("db", DB_PORT), ("cache", REDIS_PORT)):
        allowed = roles.get("app", set()) | (rotation_sgs if role == "db" else set())
        rules = [(addr, src, a) for addr, targets, src, a in ingress if targets & roles.get(role, set())]
        ok = bool(rules) and all(
            src and src <= allowed and a.get("from_port") == port and a.get("to_port") == port
            for _, src, a in rules)
        extra = f" (and the rotation function's: {', '.join(sorted(rotation_sgs))})" if role == "db" and rotation_sgs else ""
        c.check(f"{role} reachable only from the app security group{extra} on {port}", ok,
                f"rules: {[(addr, sorted(src), a.get('from_port'), a.get('to_port')) for addr, src, a in rules]}")

    # ------------------------------------------------- isolated data tier --
    data_subnets = set()
    for grp in plan.of_type("aws_db_subnet_group") + plan.of_type("aws_elasticache_subnet_group"):
        data_subnets |= {o for o in plan.origins(grp, "subnet_ids") if not o.startswith("const:")}
    data_rts = set()
    for assoc in plan.of_type("aws_route_table_association"):
        if plan.origins(assoc, "subnet_id") & data_subnets:
            data_rts |= plan.origins(assoc, "route_table_id")
    routes_out = [r["address"] for r in plan.of_type("aws_route") if plan.origins(r, "route_table_id") & data_rts]
    inline = [rt["address"] for rt in plan.of_type("aws_route_table")
              if plan.base(rt) in data_rts and (A(rt).get("route") or [])]
    c.check("data subnets isolated (no route to IGW/NAT)",
            bool(data_subnets) and bool(data_rts) and not routes_out and not inline,
            f"data subnets {sorted(data_subnets)}, route tables {sorted(data_rts)}, routes {routes_out + inline}")


    # ------------------------------------------------------- ALB details --
    if production:
        c.check("alb deletion protection (production)",
                lbs and all(A(lb).get("enable_deletion_protection") is True for lb in lbs),
                "enable_deletion_protection is off")

    def hc_ok(t):
        hc = (A(t).get("health_check") or [{}])[0]
        iv, to = hc.get("interval") or 0, hc.get("timeout") or 0
        un, he = hc.get("unhealthy_threshold") or 0, hc.get("healthy_threshold") or 0
        return (HEALTH_INTERVAL[0] <= iv <= HEALTH_INTERVAL[1] and HEALTH_TIMEOUT[0] <= to <= HEALTH_TIMEOUT[1]
                and to < iv and HEALTH_UNHEALTHY[0] <= un <= HEALTH_UNHEALTHY[1]
                and HEALTH_HEALTHY[0] <= he <= HEALTH_HEALTHY[1] and iv * un <= DRAIN_SECONDS)

    c.check(f"target group health check timings within bounds (interval x unhealthy <= {DRAIN_SECONDS}s)",
            tgs and all(hc_ok(t) for t in tgs),
            f"health_check {[(A(t).get('health_check') or [{}])[0] for t in tgs]}")
    c.check(f"target group deregistration delay {DEREGISTRATION_DELAY[0]}-{DEREGISTRATION_DELAY[1]}s",
            tgs and all(DEREGISTRATION_DELAY[0] <= int(A(t).get("deregistration_delay") or 300) <= DEREGISTRATION_DELAY[1]
                        for t in tgs),
            f"deregistration_delay {[A(t).get('deregistration_delay') for t in tgs]}")

    # ------------------------------------------------------------------ WAF --
    acls = plan.of_type("aws_wafv2_web_acl")
    assocs = plan.of_type("aws_wafv2_web_acl_association")
    c.check("waf web acl associated with the alb",
            bool(acls) and bool(assocs)
            and all(any(plan.base(lb) in plan.origins(x, "resource_arn") for x in assocs) for lb in lbs),
            "no WAF web ACL association to the ALB (staging gets the same WAF as production)")

    def size_override_counts(rule):
        for st in rule.get("statement") or []:
            for mg in st.get("managed_rule_group_statement") or []:
                if mg.get("name") == "AWSManagedRulesCommonRuleSet":
                    return any(o.get("name") == "SizeRestrictions_BODY"
                               and (o.get("action_to_use") or [{}])[0].get("count")
                               for o in mg.get("rule_action_override") or [])
        return None

    def body_limit_rules(acl):
        out = []
        for rule in A(acl).get("rule") or []:
            if not (rule.get("action") or [{}])[0].get("block"):
                continue
            for st in rule.get("statement") or []:
                for rx in st.get("regex_match_statement") or []:
                    ftm = (rx.get("field_to_match") or [{}])[0]
                    if [h.get("name") for h in ftm.get("single_header") or []] == ["content-length"]:
                        out.append(rx.get("regex_string") or "")
        return out

    def blocks(pattern, n):
        try:
            return re.search(pattern, str(n)) is not None
        except re.error:
            return True  # an unreadable pattern counts as refusing

    waf_ok, why = bool(acls), "no web ACL"
    for acl in acls:
        crs = [size_override_counts(r) for r in A(acl).get("rule") or []]
        crs = [x for x in crs if x is not None]
        patterns = body_limit_rules(acl)
        if crs and not all(crs):
            waf_ok, why = False, "AWSManagedRulesCommonRuleSet SizeRestrictions_BODY blocks bodies over 8 KB (no count override)"
        elif len(patterns) != 1:
            waf_ok, why = False, f"need one blocking Content-Length rule at the API limit, found {patterns}"
        else:
            p = patterns[0]
            inside = [8192, 8193, 65536, 100000, MAX_REQUEST_BYTES - 1, MAX_REQUEST_BYTES]
            outside = [MAX_REQUEST_BYTES + 1, 2 * MAX_REQUEST_BYTES, 10 ** 7, 10 ** 12]
            wrong = [n for n in inside if blocks(p, n)] + [n for n in outside if not blocks(p, n)]
            if wrong:
                waf_ok, why = False, f"Content-Length rule {p!r} misjudges {wrong} (API limit {MAX_REQUEST_BYTES})"
    c.check(f"waf body size handling matches the API limit ({MAX_REQUEST_BYTES} bytes)", waf_ok, why)

    # ----------------------------------------------- instance maintenance --
    for a in asgs:
        mp = (A(a).get("instance_maintenance_policy") or [{}])[0]
        c.check("asg instance maintenance policy 100/200 (launch before terminate)",
                mp.get("min_healthy_percentage") == 100 and mp.get("max_healthy_percentage") == 200,
                f"instance_maintenance_policy={mp}")
    c.check("no termination lifecycle hook left for nobody to complete",
            not hooks, f"{[h['address'] for h in hooks]}: every termination would wait for its heartbeat")

    # ------------------------------------------------------ release / AMI --
    data_amis = [r for m in plan.modules.values() for r in m.get("resources", [])
                 if r.get("mode") == "data" and r.get("type") == "aws_ami"]
    ami_ok, ami_why = bool(lts), "no launch template"
    for lt in lts:
        origins = plan.origins(lt, "image_id")
        image = A(lt).get("image_id")
        if any(".data.aws_ami." in o or o.startswith("data.aws_ami.") for o in origins) or data_amis:
            ami_ok, ami_why = False, f"image_id comes from an AMI lookup ({sorted(origins)}): a rebuild ships silently"
        elif origins not in ({"rootvar:ami_id"}, {"rootvar:standby_ami_id"}) or not re.fullmatch(r"ami-[0-9a-f]{8,17}", str(image)):
            ami_ok, ami_why = False, f"image_id {image!r} must be the root variable ami_id (or standby_ami_id, its copy in the standby region; from the Packer manifest), got {sorted(origins)}"
    c.check("launch template runs an immutable AMI id passed as a variable (no lookup)", ami_ok, ami_why)

    # ---------------------------------------------------------- database --
    rotations = plan.of_type("aws_secretsmanager_secret_rotation")
    db_bases = {plan.base(d) for d in dbs}

    def rotation_days(expr):
        m = re.fullmatch(r"rate\((\d+) days?\)", expr or "")
        if m:
            return int(m.group(1))
        if re.fullmatch(r"cron\(\d+ \d+ \? \* [A-Z]{3}#[1-5] \*\)", expr or ""):
            return 28  # monthly: at least four weeks apart
        return 0

    secret_bases = {plan.base(x) for x in master_secret.values()} | {x["address"] for x in master_secret.values()}
    master_rot = [r for r in rotations if plan.origins(r, "secret_id") & (db_bases | secret_bases)]
    rotated = set()
    for r in master_rot:
        rotated |= plan.origins(r, "secret_id")
    c.check("rds master secret rotation scheduled deliberately (monthly or rarer, in a window)",
            bool(primaries) and secret_bases and all({plan.base(x), x["address"]} & rotated for x in master_secret.values())
            and len(master_rot) == len(primaries) and all(
                rotation_days(((A(r).get("rotation_rules") or [{}])[0]).get("schedule_expression")) >= MIN_ROTATION_DAYS - 2
                and ((A(r).get("rotation_rules") or [{}])[0]).get("duration") for r in master_rot),
            f"rotations of the master secret: {[(A(r).get('rotation_rules') or [{}])[0] for r in master_rot]} "
            "(none: the password never rotates; a weekly one the app, reading its password at boot, does not survive)")
    bad_fn = [r["address"] for r in master_rot
              if not [st for st in plan.resolved(r, "rotation_lambda_arn", "aws_serverlessapplicationrepository_cloudformation_stack")
                      if A(st).get("application_id") == ROTATION_APPLICATION]]
    c.check("rds master secret rotated by the AWS PostgreSQL single-user rotation function",
            bool(master_rot) and not bad_fn, f"rotations without {ROTATION_APPLICATION}: {bad_fn or 'no rotation'}")
    c.check("rds final snapshot name unique per instance (a second destroy does not collide)",
            bool(dbs) and all(plan.unknown(d, "final_snapshot_identifier")
                              or not str(A(d).get("final_snapshot_identifier") or "").endswith("-final")
                              and A(d).get("final_snapshot_identifier") for d in dbs)
            and all("constant_value" not in (plan.attr_expr(d, "final_snapshot_identifier") or {}) and
                    (plan.attr_expr(d, "final_snapshot_identifier") or {}).get("references") is not None
                    and plan.unknown(d, "final_snapshot_identifier") for d in dbs),
            f"final_snapshot_identifier {[A(d).get('final_snapshot_identifier') for d in dbs]} is fixed")

    # ---------------------------------------------------------- alarms --
    alarms = [A(a) for a in plan.of_type("aws_cloudwatch_metric_alarm")]
    topics = plan.of_type("aws_sns_topic")
    subs = plan.of_type("aws_sns_topic_subscription")
    if production:
        c.check("alarm topic has a subscriber (production)",
                len(subs) >= 1 and all(A(x).get("endpoint") for x in subs), "alarm_emails = []: alarms reach nobody")
    min_size = min([A(a).get("min_size") or 0 for a in asgs] or [0])

    def alarm(metric, pred=lambda a: True):
        return [a for a in alarms if a.get("metric_name") == metric and pred(a)]

    def in_service_alarm(asg):
        return alarm("GroupInServiceInstances", lambda a: a.get("namespace") == "AWS/AutoScaling"
                     and a.get("threshold") == A(asg).get("min_size") and a.get("comparison_operator") == "LessThanThreshold"
                     and (a.get("dimensions") or {}).get("AutoScalingGroupName") in (A(asg).get("name"), None))

    c.check(f"alarm: in-service instances below the ASG minimum ({min_size})",
            bool(asgs) and all(in_service_alarm(x) for x in asgs),
            f"no GroupInServiceInstances < min_size alarm for {[A(x).get('name') for x in asgs if not in_service_alarm(x)]}")
    c.check("alarm: database pool saturation (hikaricp_connections_pending)",
            bool(alarm("hikaricp_connections_pending", lambda a: a.get("namespace") == "Conduit"
                       and (a.get("dimensions") or {}).get("ClusterName") == f"conduit-{args.env}")),
            "no alarm on the Hikari pending connections the CloudWatch agent ships (namespace Conduit)")
    c.check("alarm: outbox age (outbox_lag_seconds)",
            bool(alarm("outbox_lag_seconds", lambda a: a.get("namespace") == "Conduit"
                       and (a.get("dimensions") or {}).get("ClusterName") == f"conduit-{args.env}")),
            "no alarm on the outbox age")
    topic_bases = {plan.base(t) for t in topics}
    silent = [A(a).get("alarm_name") for a in plan.of_type("aws_cloudwatch_metric_alarm")
              if not (plan.origins(a, "alarm_actions") & topic_bases)]
    c.check("every alarm notifies the alarm topic", bool(alarms) and not silent, f"alarms without the topic: {silent}")
    groups = {A(g).get("name") for g in plan.of_type("aws_cloudwatch_log_group")}
    c.check("journal shipped to CloudWatch Logs (log group /conduit/<env>/app/journal)",
            f"/conduit/{args.env}/app/journal" in groups, f"log groups {sorted(x for x in groups if x)}")

    # ------------------------------------------------------------- IAM --
    managed = [A(x).get("policy_arn") for x in plan.of_type("aws_iam_role_policy_attachment")]
    c.check("no AWS-managed policy that reads every parameter (AmazonSSMManagedInstanceCore)",
            not any(str(m).endswith(("/AmazonSSMManagedInstanceCore", "/AmazonSSMReadOnlyAccess", "/AdministratorAccess",
                                     "/SecretsManagerReadWrite", "/AmazonSSMFullAccess")) for m in managed),
            f"attached: {managed}")
    own_prefix = f"/conduit/{args.env}"
    ssm_bad, secret_bad, docs_seen = [], [], 0
    for path, module in plan.modules.items():
        for res in module.get("resources", []):
            if res.get("mode") != "data" or res.get("type") != "aws_iam_policy_document":
                continue
            for st in res.get("expressions", {}).get("statement") or []:
                acts = (st.get("actions") or {}).get("constant_value") or []
                if (st.get("effect") or {}).get("constant_value", "Allow") == "Deny":
                    continue
                docs_seen += 1
                reads_ssm = any(a in ("*", "ssm:*") or a.startswith("ssm:GetParameter") for a in acts)
                reads_secret = any(a in ("*", "secretsmanager:*", "secretsmanager:GetSecretValue") for a in acts)
                if not (reads_ssm or reads_secret):
                    continue
                rexpr = st.get("resources") or {}
                where = plan._prefix(path) + "data.aws_iam_policy_document." + res["name"]
                if "constant_value" in rexpr:
                    consts = rexpr["constant_value"]
                    if reads_ssm:
                        ssm_bad.append((where, consts))
                    if reads_secret:
                        secret_bad.append((where, consts))
                    continue
                if reads_ssm:
                    # "arn:...:parameter${local.ssm_prefix}" with local.ssm_prefix = "/conduit/${var.environment}"
                    env_origins = plan.resolve_ref(path, "var.environment") if "local.ssm_prefix" in str(rexpr) else set()
                    if env_origins != {"const:" + json.dumps(args.env)} and env_origins != {"rootvar:environment"}:
                        ssm_bad.append((where, sorted(env_origins) or rexpr.get("references")))
                if reads_secret:
                    # Ignored: constants that name no resource (null, a module's role selector such as
                    # "primary") and root variables that only put a region into a replica secret's ARN.
                    origins = {o for o in plan.resolve_expr(path, rexpr)
                               if not (o.startswith("const:") and not any(x in o for x in ("*", "arn:")))
                               and not re.fullmatch(r"rootvar:[a-z_]*region", o)}
                    ok_types = (".aws_db_instance.", ".aws_secretsmanager_secret.")
                    if not origins or any(not any(t in "." + o for t in ok_types) for o in origins):
                        secret_bad.append((where, sorted(origins)))
    c.check(f"instances read only their own parameters ({own_prefix}/*)", docs_seen > 0 and not ssm_bad,
            f"parameter reads beyond {own_prefix}: {ssm_bad}")
    c.check("secretsmanager:GetSecretValue scoped to the database and cache secrets", docs_seen > 0 and not secret_bad,
            f"secret reads on {secret_bad}")

    # ------------------------------------------------------ standby region --
    standby = plan.variable("standby_region")
    primary_region = plan.variable("region")
    if production:
        c.check("standby region configured (production)", bool(standby) and standby != primary_region,
                f"standby_region={standby!r}, region={primary_region!r}")
    if standby:
        standby_standby_checks(plan, c, A, standby, primary_region, replicas, rgs, asgs, is_secondary)

    if c.failed:
        print(f"policy[{args.env}]: {c.failed} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
