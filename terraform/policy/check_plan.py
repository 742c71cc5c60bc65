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
    c.check("rds present", len(dbs) >= 1, "no aws_db_instance planned")
    c.check("rds multi_az", dbs and all(A(r).get("multi_az") is True for r in dbs),
            "an RDS instance is not Multi-AZ")
    c.check("rds storage encrypted", dbs and all(A(r).get("storage_encrypted") is True for r in dbs),
            "an RDS instance is not encrypted")
    c.check("rds not public", dbs and all(A(r).get("publicly_accessible") is False for r in dbs),
            "an RDS instance is publicly accessible")
    c.check("rds master password in secrets manager",
            dbs and all(A(r).get("manage_master_user_password") is True and not A(r).get("password") for r in dbs),
            "master password not managed by Secrets Manager")
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
    c.check("redis tls in transit + at rest",
            rgs and all(A(r).get("transit_encryption_enabled") is True
                        and A(r).get("transit_encryption_mode") == "required"
                        and str(A(r).get("at_rest_encryption_enabled")).lower() == "true" for r in rgs),
            "transit encryption off or not \"required\" (\"preferred\" admits plaintext), or at-rest off")
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
    for role, port in (("db", DB_PORT), ("cache", REDIS_PORT)):
        rules = [(addr, src, a) for addr, targets, src, a in ingress if targets & roles.get(role, set())]
        ok = bool(rules) and all(
            src and src <= roles.get("app", set()) and a.get("from_port") == port and a.get("to_port") == port
            for _, src, a in rules)
        c.check(f"{role} reachable only from the app security group on {port}", ok,
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
            and all({plan.base(lb) for lb in lbs} <= plan.origins(x, "resource_arn") for x in assocs),
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
        elif origins != {"rootvar:ami_id"} or not re.fullmatch(r"ami-[0-9a-f]{8,17}", str(image)):
            ami_ok, ami_why = False, f"image_id {image!r} must be the root variable ami_id (from the Packer manifest), got {sorted(origins)}"
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

    master_rot = [r for r in rotations if plan.origins(r, "secret_id") & db_bases]
    c.check("rds master secret rotation scheduled deliberately (monthly or rarer, in a window)",
            bool(dbs) and len(master_rot) == len(dbs) and all(
                rotation_days(((A(r).get("rotation_rules") or [{}])[0]).get("schedule_expression")) >= MIN_ROTATION_DAYS - 2
                and ((A(r).get("rotation_rules") or [{}])[0]).get("duration") for r in master_rot),
            f"rotations of the master secret: {[(A(r).get('rotation_rules') or [{}])[0] for r in master_rot]} "
            "(none means the 7-day RDS default, which the app, reading its password at boot, does not survive)")
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

    c.check(f"alarm: in-service instances below the ASG minimum ({min_size})",
            bool(alarm("GroupInServiceInstances", lambda a: a.get("namespace") == "AWS/AutoScaling"
                       and a.get("threshold") == min_size and a.get("comparison_operator") == "LessThanThreshold")),
            "no GroupInServiceInstances < min_size alarm")
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
                    origins = plan.resolve_expr(path, rexpr)
                    ok_types = (".aws_db_instance.", ".aws_secretsmanager_secret.")
                    if not origins or any(not any(t in "." + o for t in ok_types) for o in origins):
                        secret_bad.append((where, sorted(origins)))
    c.check(f"instances read only their own parameters ({own_prefix}/*)", docs_seen > 0 and not ssm_bad,
            f"parameter reads beyond {own_prefix}: {ssm_bad}")
    c.check("secretsmanager:GetSecretValue scoped to the database and cache secrets", docs_seen > 0 and not secret_bad,
            f"secret reads on {secret_bad}")

    if c.failed:
        print(f"policy[{args.env}]: {c.failed} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
