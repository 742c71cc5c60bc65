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
import sys

APP_PORT = 8080
ADMIN_PORT = 9090
DB_PORT = 5432
REDIS_PORT = 6379
HEALTH_PATH = "/health/ready"
OPEN_CIDRS = {"0.0.0.0/0", "::/0"}


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
                        and str(A(r).get("at_rest_encryption_enabled")).lower() == "true" for r in rgs),
            "transit or at-rest encryption off")
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
    c.check("termination lifecycle hook covers the drain",
            bool(hooks) and all(A(h).get("default_result") == "CONTINUE"
                                and (A(h).get("heartbeat_timeout") or 0) >= dereg + 10 for h in hooks),
            f"need a CONTINUE hook with heartbeat >= deregistration delay {dereg}s + 10s drain")
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
    c.check("https listener with TLS 1.2+/1.3 policy",
            bool(https) and all("TLS13" in str(A(lst).get("ssl_policy")) for lst in https), "ssl_policy")

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

    if c.failed:
        print(f"policy[{args.env}]: {c.failed} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
