#!/usr/bin/env python3
"""Negative self-test of check_plan.py: broken copies of a plan must fail the policy.

Usage: mutate_plan.py --env production plan.json [--keep DIR]
       mutate_plan.py --list

Takes the JSON of an offline plan that passes check_plan.py and, for every
mutation below, writes a copy that breaks exactly one HA/security property
(RDS Multi-AZ off, IMDSv1 allowed, app port open to 0.0.0.0/0, ...), runs
check_plan.py on it and requires that it exits non-zero AND prints a FAIL line
for the check that owns that property. One line per mutation:

    PASS policy catches <mutation> (envs/<env>)
    FAIL policy misses <mutation> (envs/<env>): <why>

Exit status 1 when any mutation is missed, cannot be applied to the plan, or
the unmutated plan does not pass in the first place. Pure JSON edits: the
mutations change the planned values (resource_changes[].change.after) and,
where check_plan.py follows wiring, the configuration part of the plan, the
same way `terraform show -json` would show the broken Terraform code.
--keep DIR leaves the mutated copies in DIR (<env>.<mutation>.json).
"""
import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "check_plan.py")
sys.dont_write_bytecode = True  # no __pycache__ next to the checker
sys.path.insert(0, HERE)
import check_plan  # noqa: E402  (Plan: wiring resolution, the ports the policy uses)


class Inapplicable(Exception):
    """The plan has nothing this mutation could break."""


# ------------------------------------------------------------- helpers --
def planned(doc, rtype):
    rcs = [rc for rc in doc.get("resource_changes", [])
           if rc.get("mode") == "managed" and rc["type"] == rtype and "delete" not in rc["change"]["actions"]]
    if not rcs:
        raise Inapplicable(f"no {rtype} in the plan")
    return rcs


def after(rc):
    return rc["change"]["after"]


def first_block(value, what):
    if not value:
        raise Inapplicable(f"no {what} block")
    return value[0]


def module_config(doc, rc):
    module = doc["configuration"]["root_module"]
    for call in check_plan.Plan._path_of(rc):
        module = module["module_calls"][call]["module"]
    return module


def resource_config(doc, rc):
    for res in module_config(doc, rc).get("resources", []):
        if res["mode"] == "managed" and res["type"] == rc["type"] and res["name"] == rc["name"]:
            return res
    raise Inapplicable(f"no configuration for {rc['address']}")


def add_copy(doc, template, name, after_changes, expr_changes):
    """Add a new resource planned like `template` (same module and type), named `name`.

    after_changes: attribute -> planned value (None also clears after_unknown);
    expr_changes: attribute -> configuration expression (None removes it).
    """
    rc = copy.deepcopy(template)
    rc.pop("index", None)
    rc["name"] = name
    rc["address"] = (rc["module_address"] + "." if rc.get("module_address") else "") + rc["type"] + "." + name
    unknown = rc["change"].get("after_unknown") or {}
    for attr, value in after_changes.items():
        rc["change"]["after"][attr] = value
        unknown.pop(attr, None)
    cfg = copy.deepcopy(resource_config(doc, template))
    cfg["name"] = name
    cfg["address"] = rc["type"] + "." + name
    cfg.pop("for_each_expression", None)
    cfg.pop("count_expression", None)
    for attr, expr in expr_changes.items():
        if expr is None:
            cfg["expressions"].pop(attr, None)
        else:
            cfg["expressions"][attr] = expr
    module_config(doc, template)["resources"].append(cfg)
    doc["resource_changes"].append(rc)


def const(value):
    return {"constant_value": value}


def rule_into(doc, role, port):
    """An aws_vpc_security_group_ingress_rule that admits `port` into the `role` security group."""
    plan = check_plan.Plan(doc)
    role_attr = {"app": ("aws_launch_template", "vpc_security_group_ids"),
                 "db": ("aws_db_instance", "vpc_security_group_ids")}[role]
    sgs = set()
    for rc in plan.of_type(role_attr[0]):
        sgs |= plan.origins(rc, role_attr[1])
    for rule in plan.of_type("aws_vpc_security_group_ingress_rule"):
        if plan.origins(rule, "security_group_id") & sgs and check_plan.covers(after(rule), port):
            return rule
    raise Inapplicable(f"no ingress rule into the {role} security group on {port}")


def open_rule(doc, role, port, name, cidr=None, from_sg_of_template=False):
    template = rule_into(doc, role, check_plan.APP_PORT if role == "app" else port)
    after_changes = {"from_port": port, "to_port": port, "ip_protocol": "tcp",
                     "description": f"mutation {name}"}
    expr_changes = {"from_port": const(port), "to_port": const(port), "ip_protocol": const("tcp")}
    if from_sg_of_template:
        if not template["change"]["after_unknown"].get("referenced_security_group_id"):
            raise Inapplicable(f"{template['address']} does not reference a security group")
    else:
        after_changes.update({"cidr_ipv4": cidr, "referenced_security_group_id": None})
        expr_changes.update({"cidr_ipv4": const(cidr), "referenced_security_group_id": None})
    add_copy(doc, template, name, after_changes, expr_changes)


# ----------------------------------------------------------- mutations --
# name -> (check_plan.py check that must FAIL, as a regex matched at the start
#          of the check name; what the mutation does; function(doc))
MUTATIONS = {}


ENVS_OF = {}  # mutation name -> environments it applies to (default: all)


def mutation(name, expect, what, envs=None):
    def register(fn):
        MUTATIONS[name] = (expect, what, fn)
        if envs:
            ENVS_OF[name] = set(envs)
        return fn
    return register


def web_acl_rules(doc):
    rules = []
    for acl in planned(doc, "aws_wafv2_web_acl"):
        rules += after(acl).get("rule") or []
    return rules


@mutation("rds-multi-az-off", r"rds multi_az\b", "aws_db_instance multi_az = false")
def _rds_single_az(doc):
    for db in planned(doc, "aws_db_instance"):
        after(db)["multi_az"] = False


@mutation("rds-publicly-accessible", r"rds not public\b", "aws_db_instance publicly_accessible = true")
def _rds_public(doc):
    for db in planned(doc, "aws_db_instance"):
        after(db)["publicly_accessible"] = True


@mutation("redis-failover-off", r"redis automatic failover \+ multi-az\b",
          "replication group automatic_failover_enabled = false, multi_az_enabled = false")
def _redis_no_failover(doc):
    for rg in planned(doc, "aws_elasticache_replication_group"):
        after(rg).update(automatic_failover_enabled=False, multi_az_enabled=False)


@mutation("redis-single-node", r"redis automatic failover \+ multi-az\b",
          "replication group num_cache_clusters = 1 (no replica)")
def _redis_single_node(doc):
    for rg in planned(doc, "aws_elasticache_replication_group"):
        after(rg)["num_cache_clusters"] = 1


@mutation("imdsv1-allowed", r"imdsv2 required\b", "launch template metadata_options http_tokens = \"optional\"")
def _imdsv1(doc):
    for lt in planned(doc, "aws_launch_template"):
        first_block(after(lt).get("metadata_options"), "metadata_options")["http_tokens"] = "optional"


@mutation("asg-min-size-1", r"asg min_size >= 2\b", "ASG min_size = 1")
def _asg_min_1(doc):
    for asg in planned(doc, "aws_autoscaling_group"):
        after(asg)["min_size"] = 1


@mutation("asg-single-subnet", r"asg .* spans >= 3 AZs\b",
          "only the first of the subnets behind the ASG's vpc_zone_identifier is planned")
def _asg_one_subnet(doc):
    plan = check_plan.Plan(doc)
    drop = set()
    for asg in plan.of_type("aws_autoscaling_group"):
        for base in sorted(plan.origins(asg, "vpc_zone_identifier")):
            subnets = [sn for sn in plan.instances(base) if sn["type"] == "aws_subnet"]
            drop |= {sn["address"] for sn in subnets[1:]}
    if not drop:
        raise Inapplicable("the ASG subnets do not resolve to several planned aws_subnet instances")
    doc["resource_changes"] = [rc for rc in doc["resource_changes"] if rc["address"] not in drop]


@mutation("asg-first-subnet-only", r"asg .* spans >= 3 AZs\b",
          "ASG vpc_zone_identifier = [<its subnet list>[0]] in the configuration")
def _asg_indexed_subnet(doc):
    for asg in planned(doc, "aws_autoscaling_group"):
        expr = resource_config(doc, asg)["expressions"].get("vpc_zone_identifier") or {}
        refs = [r for r in expr.get("references", []) if "[" not in r]
        if not refs:
            raise Inapplicable("vpc_zone_identifier has no reference to index")
        # what terraform writes for [var.subnet_ids[0]]: the indexed traversal, then its prefix
        expr["references"] = [refs[0] + "[0]", refs[0]]


@mutation("refresh-min-healthy-90", r"instance refresh min/max healthy 100/200\b",
          "instance refresh min_healthy_percentage = 90")
def _refresh_90(doc):
    for asg in planned(doc, "aws_autoscaling_group"):
        refresh = first_block(after(asg).get("instance_refresh"), "instance_refresh")
        first_block(refresh.get("preferences"), "instance_refresh.preferences")["min_healthy_percentage"] = 90


@mutation("refresh-auto-rollback-off", r"instance refresh rolling with auto rollback\b",
          "instance refresh auto_rollback = false")
def _refresh_no_rollback(doc):
    for asg in planned(doc, "aws_autoscaling_group"):
        refresh = first_block(after(asg).get("instance_refresh"), "instance_refresh")
        first_block(refresh.get("preferences"), "instance_refresh.preferences")["auto_rollback"] = False


@mutation("health-check-liveness-path", r"target group health check /health/ready\b",
          "target group health_check path = /health/live")
def _liveness_path(doc):
    for tg in planned(doc, "aws_lb_target_group"):
        first_block(after(tg).get("health_check"), "health_check")["path"] = "/health/live"


@mutation("app-port-open-to-world", r"app port 8080 not reachable from 0\.0\.0\.0/0",
          "extra ingress rule 0.0.0.0/0 -> app security group on 8080")
def _app_world(doc):
    open_rule(doc, "app", check_plan.APP_PORT, "mutation_app_from_world", cidr="0.0.0.0/0")


@mutation("admin-port-open-to-world", r"admin port 9090 not reachable\b",
          "extra ingress rule 0.0.0.0/0 -> app security group on 9090")
def _admin_world(doc):
    open_rule(doc, "app", check_plan.ADMIN_PORT, "mutation_admin_from_world", cidr="0.0.0.0/0")


@mutation("admin-port-from-alb", r"admin port 9090 not reachable\b",
          "extra ingress rule ALB security group -> app security group on 9090")
def _admin_alb(doc):
    open_rule(doc, "app", check_plan.ADMIN_PORT, "mutation_admin_from_alb", from_sg_of_template=True)


@mutation("db-port-from-vpc-cidr", r"db reachable only from the app security group\b",
          "extra ingress rule 10.0.0.0/8 -> DB security group on 5432")
def _db_cidr(doc):
    open_rule(doc, "db", check_plan.DB_PORT, "mutation_db_from_cidr", cidr="10.0.0.0/8")


@mutation("data-subnet-route-to-internet", r"data subnets isolated\b",
          "extra aws_route 0.0.0.0/0 in the data subnets' route table")
def _data_route(doc):
    plan = check_plan.Plan(doc)
    data_subnets = set()
    for grp in plan.of_type("aws_db_subnet_group") + plan.of_type("aws_elasticache_subnet_group"):
        data_subnets |= plan.origins(grp, "subnet_ids")
    tables = sorted({t for assoc in plan.of_type("aws_route_table_association")
                     if plan.origins(assoc, "subnet_id") & data_subnets
                     for t in plan.origins(assoc, "route_table_id")})
    for table in tables:
        prefix, _, local = table.rpartition("aws_route_table.")
        templates = [r for r in planned(doc, "aws_route")
                     if (r.get("module_address") or "") + ("." if r.get("module_address") else "") == prefix]
        if templates:
            ref = "aws_route_table." + local
            add_copy(doc, templates[0], "mutation_data_to_internet",
                     {"destination_cidr_block": "0.0.0.0/0"},
                     {"destination_cidr_block": const("0.0.0.0/0"),
                      "route_table_id": {"references": [ref + ".id", ref]}})
            return
    raise Inapplicable(f"no aws_route in the module of the data route tables {tables}")


# --------------------------------------------------- review items 2-7 --
@mutation("waf-size-restrictions-body-blocks", r"waf body size handling matches the API limit\b",
          "AWSManagedRulesCommonRuleSet without the SizeRestrictions_BODY count override (8 KB bodies blocked)")
def _waf_8k(doc):
    hit = False
    for rule in web_acl_rules(doc):
        for st in rule.get("statement") or []:
            for mg in st.get("managed_rule_group_statement") or []:
                if mg.get("name") == "AWSManagedRulesCommonRuleSet":
                    mg["rule_action_override"] = []
                    hit = True
    if not hit:
        raise Inapplicable("no common rule set in the web ACL")


@mutation("waf-body-limit-8k", r"waf body size handling matches the API limit\b",
          "Content-Length rule blocks above 8192 bytes instead of the API's 1 MiB")
def _waf_small_limit(doc):
    hit = False
    for rule in web_acl_rules(doc):
        for st in rule.get("statement") or []:
            for rx in st.get("regex_match_statement") or []:
                rx["regex_string"] = "^0*([1-9][0-9]{4,}|9[0-9]{3}|8[2-9][0-9]{2}|819[3-9])$"
                hit = True
    if not hit:
        raise Inapplicable("no regex rule in the web ACL")


@mutation("waf-not-associated", r"waf web acl associated with the alb\b", "no aws_wafv2_web_acl_association")
def _waf_gone(doc):
    planned(doc, "aws_wafv2_web_acl_association")
    doc["resource_changes"] = [rc for rc in doc["resource_changes"] if rc["type"] != "aws_wafv2_web_acl_association"]


@mutation("rds-rotation-default-7-days", r"rds master secret rotation scheduled deliberately\b",
          "no aws_secretsmanager_secret_rotation of the master secret (RDS's 7-day default)")
def _rotation_gone(doc):
    planned(doc, "aws_secretsmanager_secret_rotation")
    doc["resource_changes"] = [rc for rc in doc["resource_changes"] if rc["type"] != "aws_secretsmanager_secret_rotation"]


@mutation("rds-rotation-weekly", r"rds master secret rotation scheduled deliberately\b",
          "master secret rotation schedule_expression = rate(7 days)")
def _rotation_weekly(doc):
    for r in planned(doc, "aws_secretsmanager_secret_rotation"):
        first_block(after(r).get("rotation_rules"), "rotation_rules")["schedule_expression"] = "rate(7 days)"


def primary_dbs(doc):
    dbs = [d for d in planned(doc, "aws_db_instance")
           if not (after(d).get("replicate_source_db") or (d["change"].get("after_unknown") or {}).get("replicate_source_db"))]
    if not dbs:
        raise Inapplicable("no primary aws_db_instance")
    return dbs


def master_secrets(doc):
    plan = check_plan.Plan(doc)
    out = []
    for v in plan.of_type("aws_secretsmanager_secret_version"):
        if any(".aws_db_instance." in "." + o for o in plan.origins(v, "secret_string_wo")):
            out += plan.resolved(v, "secret_id", "aws_secretsmanager_secret")
    if not out:
        raise Inapplicable("no Terraform-owned master secret")
    return out  # the plan's own dicts (check_plan.Plan keeps them): edits change doc


@mutation("rds-rotation-off", r"rds master secret rotation scheduled deliberately\b",
          "the master secret's aws_secretsmanager_secret_rotation removed (rotation off)")
def _rotation_off(doc):
    plan = check_plan.Plan(doc)
    names = {x["address"] for x in master_secrets(doc)} | {plan.base(x) for x in master_secrets(doc)}
    rots = [r for r in plan.of_type("aws_secretsmanager_secret_rotation") if plan.origins(r, "secret_id") & names]
    if not rots:
        raise Inapplicable("no rotation of the master secret")
    drop = {r["address"] for r in rots}
    doc["resource_changes"] = [rc for rc in doc["resource_changes"] if rc["address"] not in drop]


@mutation("rds-rotation-other-function", r"rds master secret rotated by the AWS PostgreSQL single-user rotation function\b",
          "the master secret rotated by a hand-made Lambda (rotation_lambda_arn a constant ARN)")
def _rotation_other_fn(doc):
    for r in planned(doc, "aws_secretsmanager_secret_rotation"):
        arn = "arn:aws:lambda:eu-west-1:111111111111:function:my-rotation"
        after(r)["rotation_lambda_arn"] = arn
        (r["change"].get("after_unknown") or {}).pop("rotation_lambda_arn", None)
        resource_config(doc, r)["expressions"]["rotation_lambda_arn"] = const(arn)


@mutation("rds-master-password-plain", r"rds master password in secrets manager\b",
          "the primary given a plain `password` (in plan and state) instead of password_wo")
def _password_plain(doc):
    for db in primary_dbs(doc):
        after(db)["password"] = "mutation-plain-password"
        after(db)["password_wo_version"] = None
        cfg = resource_config(doc, db)["expressions"]
        cfg["password"] = const("mutation-plain-password")
        cfg.pop("password_wo", None)
        cfg.pop("password_wo_version", None)


@mutation("rds-managed-password-with-replica", r"rds master password in secrets manager\b",
          "manage_master_user_password = true on the primary of a cross-region replica (RDS refuses the replica)",
          envs=["production"])
def _managed_with_replica(doc):
    standby_replicas(doc)
    for db in primary_dbs(doc):
        after(db)["manage_master_user_password"] = True
        after(db)["password_wo_version"] = None
        cfg = resource_config(doc, db)["expressions"]
        cfg["manage_master_user_password"] = const(True)
        cfg.pop("password_wo", None)
        cfg.pop("password_wo_version", None)


@mutation("rds-master-secret-in-clear", r"rds master password in secrets manager\b",
          "the master secret version with secret_string (in plan and state) instead of secret_string_wo")
def _secret_in_clear(doc):
    plan = check_plan.Plan(doc)
    hit = False
    for v in plan.of_type("aws_secretsmanager_secret_version"):
        cfg = resource_config(doc, v)["expressions"]
        if "secret_string_wo" in cfg:
            cfg["secret_string"] = cfg.pop("secret_string_wo")
            cfg.pop("secret_string_wo_version", None)
            after(v)["secret_string"] = '{"username":"conduit","password":"mutation"}'
            after(v)["secret_string_wo_version"] = None
            hit = True
    if not hit:
        raise Inapplicable("no write-only secret version")


@mutation("rds-master-secret-not-replicated", r"rds master secret replicated to every replica's region\b",
          "the master secret without its replica in the standby region (the standby instances cannot read it)",
          envs=["production"])
def _secret_not_replicated(doc):
    standby_replicas(doc)
    for secret in master_secrets(doc):
        if not after(secret).get("replica"):
            raise Inapplicable(f"{secret['address']} has no replica")
        after(secret)["replica"] = []


@mutation("db-port-second-ingress", r"db reachable only from the app security group\b",
          "a second ingress rule on 5432 into the DB security group from another security group (the DB's own)")
def _db_second_ingress(doc):
    template = rule_into(doc, "db", check_plan.DB_PORT)
    add_copy(doc, template, "mutation_db_from_other_sg", {"description": "mutation second ingress"},
             {"referenced_security_group_id": {"references": ["aws_security_group.db.id", "aws_security_group.db"]}})


@mutation("ami-newest-with-tag", r"launch template runs an immutable AMI id\b",
          "launch template image_id = data.aws_ami.app[0].id (newest image with a tag)")
def _ami_lookup(doc):
    for lt in planned(doc, "aws_launch_template"):
        resource_config(doc, lt)["expressions"]["image_id"] = {"references": ["data.aws_ami.app[0].id", "data.aws_ami.app[0]", "data.aws_ami.app"]}


@mutation("ami-committed-constant", r"launch template runs an immutable AMI id\b",
          "launch template image_id = a constant committed in the configuration")
def _ami_const(doc):
    for lt in planned(doc, "aws_launch_template"):
        resource_config(doc, lt)["expressions"]["image_id"] = const("ami-0fa4e0ff1ce0ff1ce")


@mutation("alarms-reach-nobody", r"alarm topic has a subscriber\b", "no aws_sns_topic_subscription (alarm_emails = [])",
          envs=["production"])
def _no_subscribers(doc):
    planned(doc, "aws_sns_topic_subscription")
    doc["resource_changes"] = [rc for rc in doc["resource_changes"] if rc["type"] != "aws_sns_topic_subscription"]


def drop_alarm(doc, metric):
    before = len(doc["resource_changes"])
    doc["resource_changes"] = [rc for rc in doc["resource_changes"]
                               if not (rc["type"] == "aws_cloudwatch_metric_alarm"
                                       and (rc["change"].get("after") or {}).get("metric_name") == metric)]
    if len(doc["resource_changes"]) == before:
        raise Inapplicable(f"no alarm on {metric}")


@mutation("alarm-in-service-missing", r"alarm: in-service instances below the ASG minimum\b",
          "no GroupInServiceInstances alarm")
def _no_in_service(doc):
    drop_alarm(doc, "GroupInServiceInstances")


@mutation("alarm-in-service-wrong-threshold", r"alarm: in-service instances below the ASG minimum\b",
          "GroupInServiceInstances alarm threshold 1 instead of the ASG minimum")
def _in_service_1(doc):
    for a in planned(doc, "aws_cloudwatch_metric_alarm"):
        if after(a).get("metric_name") == "GroupInServiceInstances":
            after(a)["threshold"] = 1


@mutation("alarm-db-pool-missing", r"alarm: database pool saturation\b", "no hikaricp_connections_pending alarm")
def _no_pool(doc):
    drop_alarm(doc, "hikaricp_connections_pending")


@mutation("alarm-outbox-age-missing", r"alarm: outbox age\b", "no outbox_lag_seconds alarm")
def _no_outbox(doc):
    drop_alarm(doc, "outbox_lag_seconds")


@mutation("journal-not-shipped", r"journal shipped to CloudWatch Logs\b", "no /conduit/<env>/app/journal log group")
def _no_journal(doc):
    before = len(doc["resource_changes"])
    doc["resource_changes"] = [rc for rc in doc["resource_changes"]
                               if not (rc["type"] == "aws_cloudwatch_log_group"
                                       and str((rc["change"].get("after") or {}).get("name")).endswith("/journal"))]
    if len(doc["resource_changes"]) == before:
        raise Inapplicable("no journal log group")


@mutation("tls10-ssl-policy", r"https listener ssl_policy in the TLS 1\.2/1\.3 allow-list\b",
          "HTTPS listener ssl_policy = ELBSecurityPolicy-TLS13-1-0-2021-06 (admits TLS 1.0, contains TLS13)")
def _tls10(doc):
    hit = False
    for lst in planned(doc, "aws_lb_listener"):
        if after(lst).get("protocol") == "HTTPS":
            after(lst)["ssl_policy"] = "ELBSecurityPolicy-TLS13-1-0-2021-06"
            hit = True
    if not hit:
        raise Inapplicable("no HTTPS listener")


@mutation("redis-transit-preferred", r"redis tls in transit \+ at rest\b",
          "replication group transit_encryption_mode = preferred")
def _redis_preferred(doc):
    for rg in planned(doc, "aws_elasticache_replication_group"):
        after(rg)["transit_encryption_mode"] = "preferred"


@mutation("ssm-managed-instance-core", r"no AWS-managed policy that reads every parameter\b",
          "AmazonSSMManagedInstanceCore attached to the instance role")
def _ssm_core(doc):
    templates = [rc for rc in doc["resource_changes"] if rc["type"] == "aws_iam_role" and rc.get("mode") == "managed"
                 and "app" in rc["address"]]
    if not templates:
        raise Inapplicable("no app IAM role")
    role = templates[0]
    rc = {"address": (role["module_address"] + "." if role.get("module_address") else "") + "aws_iam_role_policy_attachment.mutation_ssm_core",
          "module_address": role.get("module_address"), "mode": "managed", "type": "aws_iam_role_policy_attachment",
          "name": "mutation_ssm_core", "provider_name": role.get("provider_name"),
          "change": {"actions": ["create"], "before": None,
                     "after": {"policy_arn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"},
                     "after_unknown": {"role": True, "id": True}}}
    doc["resource_changes"].append(rc)


def policy_statement(doc, sid):
    for module in _all_modules(doc["configuration"]["root_module"]):
        for res in module.get("resources", []):
            if res.get("mode") == "data" and res.get("type") == "aws_iam_policy_document":
                for st in res.get("expressions", {}).get("statement") or []:
                    if (st.get("sid") or {}).get("constant_value") == sid:
                        return st
    raise Inapplicable(f"no IAM statement {sid}")


def _all_modules(module):
    yield module
    for call in module.get("module_calls", {}).values():
        yield from _all_modules(call.get("module", {}))


@mutation("secrets-on-star", r"secretsmanager:GetSecretValue scoped\b",
          "ReadOwnSecrets statement resources = [\"*\"]")
def _secrets_star(doc):
    policy_statement(doc, "ReadOwnSecrets")["resources"] = const(["*"])


@mutation("ssm-read-other-environment", r"instances read only their own parameters\b",
          "ReadOwnParameters statement resources = arn:aws:ssm:*:*:parameter/conduit/*")
def _ssm_all_envs(doc):
    policy_statement(doc, "ReadOwnParameters")["resources"] = const(["arn:aws:ssm:*:*:parameter/conduit/*"])


@mutation("alb-deletion-protection-off", r"alb deletion protection \(production\)",
          "aws_lb enable_deletion_protection = false", envs=["production"])
def _alb_unprotected(doc):
    for lb in planned(doc, "aws_lb"):
        after(lb)["enable_deletion_protection"] = False


@mutation("health-check-30s-x10", r"target group health check timings within bounds\b",
          "target group health check interval 30 s, unhealthy threshold 10")
def _slow_hc(doc):
    for tg in planned(doc, "aws_lb_target_group"):
        first_block(after(tg).get("health_check"), "health_check").update(interval=30, unhealthy_threshold=10)


@mutation("deregistration-delay-100s", r"target group deregistration delay\b",
          "target group deregistration_delay = 100")
def _dereg_100(doc):
    for tg in planned(doc, "aws_lb_target_group"):
        after(tg)["deregistration_delay"] = "100"


@mutation("maintenance-policy-90-100", r"asg instance maintenance policy 100/200\b",
          "ASG instance_maintenance_policy 90/100 (terminate before launch)")
def _maintenance(doc):
    for asg in planned(doc, "aws_autoscaling_group"):
        first_block(after(asg).get("instance_maintenance_policy"), "instance_maintenance_policy").update(
            min_healthy_percentage=90, max_healthy_percentage=100)


@mutation("rds-fixed-final-snapshot", r"rds final snapshot name unique\b",
          "final_snapshot_identifier = constant <name>-db-final")
def _fixed_snapshot(doc):
    for db in planned(doc, "aws_db_instance"):
        after(db)["final_snapshot_identifier"] = "conduit-db-final"
        (db["change"].get("after_unknown") or {}).pop("final_snapshot_identifier", None)
        resource_config(doc, db)["expressions"]["final_snapshot_identifier"] = const("conduit-db-final")


@mutation("termination-hook-never-completed", r"no termination lifecycle hook left\b",
          "a TERMINATING lifecycle hook with a 120 s heartbeat that nothing completes")
def _hook(doc):
    asg = planned(doc, "aws_autoscaling_group")[0]
    doc["resource_changes"].append({
        "address": (asg["module_address"] + "." if asg.get("module_address") else "") + "aws_autoscaling_lifecycle_hook.mutation",
        "module_address": asg.get("module_address"), "mode": "managed", "type": "aws_autoscaling_lifecycle_hook",
        "name": "mutation", "provider_name": asg.get("provider_name"),
        "change": {"actions": ["create"], "before": None,
                   "after": {"lifecycle_transition": "autoscaling:EC2_INSTANCE_TERMINATING", "heartbeat_timeout": 120,
                             "default_result": "CONTINUE"}, "after_unknown": {}}})


# --------------------------------------------------- standby region --
def standby_replicas(doc):
    dbs = [d for d in planned(doc, "aws_db_instance")
           if after(d).get("replicate_source_db") or (d["change"].get("after_unknown") or {}).get("replicate_source_db")]
    if not dbs:
        raise Inapplicable("no cross-region read replica")
    return dbs


@mutation("standby-replica-lag-alarm-slack", r"standby: replica .* has a ReplicaLag alarm\b",
          "the replica's ReplicaLag alarm threshold 600 s (an RPO of ten minutes goes unpaged)", envs=["production"])
def _replica_lag_alarm_slack(doc):
    found = [al for al in planned(doc, "aws_cloudwatch_metric_alarm") if after(al).get("metric_name") == "ReplicaLag"]
    if not found:
        raise Inapplicable("no ReplicaLag alarm")
    for al in found:
        after(al)["threshold"] = 600


@mutation("standby-replica-lag-alarm-missing", r"standby: replica .* has a ReplicaLag alarm\b",
          "no ReplicaLag alarm on the replica (the alarm watches CPU instead)", envs=["production"])
def _replica_lag_alarm_missing(doc):
    found = [al for al in planned(doc, "aws_cloudwatch_metric_alarm") if after(al).get("metric_name") == "ReplicaLag"]
    if not found:
        raise Inapplicable("no ReplicaLag alarm")
    for al in found:
        after(al)["metric_name"] = "CPUUtilization"


def failover_record(doc, kind):
    for r in planned(doc, "aws_route53_record"):
        if ((after(r).get("failover_routing_policy") or [{}])[0]).get("type") == kind:
            return r
    raise Inapplicable(f"no {kind} failover record")


def health_check_of(doc, kind):
    plan = check_plan.Plan(doc)
    hcs = plan.resolved(failover_record(doc, kind), "health_check_id", "aws_route53_health_check")
    if len(hcs) != 1:
        raise Inapplicable(f"the {kind} record has no health check")
    return next(rc for rc in doc["resource_changes"] if rc["address"] == hcs[0]["address"])


def standby_asg(doc):
    plan = check_plan.Plan(doc)
    region = plan.variable("standby_region")
    for asg in planned(doc, "aws_autoscaling_group"):
        if region and plan.region_of(asg) == region:
            return asg
    raise Inapplicable("no Auto Scaling group in the standby region")


@mutation("standby-replica-unencrypted", r"standby: replica .* encrypted with a KMS key\b",
          "the cross-region read replica storage_encrypted = false", envs=["production"])
def _replica_unencrypted(doc):
    for db in standby_replicas(doc):
        after(db)["storage_encrypted"] = False


@mutation("standby-replica-without-regional-key", r"standby: replica .* encrypted with a KMS key of its region\b",
          "the cross-region read replica without kms_key_id (the source's key cannot cross regions)", envs=["production"])
def _replica_no_key(doc):
    for db in standby_replicas(doc):
        after(db)["kms_key_id"] = None
        (db["change"].get("after_unknown") or {}).pop("kms_key_id", None)
        resource_config(doc, db)["expressions"].pop("kms_key_id", None)


@mutation("standby-replica-in-source-region", r"standby: replica .* in a different region\b",
          "the read replica planned with the primary region's provider (same region as its source)", envs=["production"])
def _replica_same_region(doc):
    for db in standby_replicas(doc):
        resource_config(doc, db)["provider_config_key"] = "aws"


@mutation("failover-record-without-health-check", r"standby: every failover record of .* has a health check\b",
          "the PRIMARY failover record without health_check_id", envs=["production"])
def _record_no_hc(doc):
    r = failover_record(doc, "PRIMARY")
    after(r)["health_check_id"] = None
    (r["change"].get("after_unknown") or {}).pop("health_check_id", None)
    resource_config(doc, r)["expressions"].pop("health_check_id", None)


@mutation("failover-secondary-missing", r"standby: failover pair of .* complete\b",
          "no SECONDARY failover record (only the PRIMARY one)", envs=["production"])
def _no_secondary(doc):
    gone = failover_record(doc, "SECONDARY")["address"]
    doc["resource_changes"] = [rc for rc in doc["resource_changes"] if rc["address"] != gone]


@mutation("failover-two-primaries", r"standby: failover pair of .* complete\b",
          "both failover records of the name typed PRIMARY", envs=["production"])
def _two_primaries(doc):
    r = failover_record(doc, "SECONDARY")
    after(r)["failover_routing_policy"][0]["type"] = "PRIMARY"


@mutation("failover-aliases-one-alb", r"standby: failover pair of .* complete\b",
          "the SECONDARY record aliases the primary region's ALB too", envs=["production"])
def _same_alb(doc):
    primary = resource_config(doc, failover_record(doc, "PRIMARY"))["expressions"]["alias"][0]["name"]
    resource_config(doc, failover_record(doc, "SECONDARY"))["expressions"]["alias"][0]["name"] = copy.deepcopy(primary)


@mutation("failover-check-on-readiness", r"standby: failover health checks of .* on /health/region\b",
          "the PRIMARY record's health check on /health/ready (fails over for one instance's reasons)", envs=["production"])
def _hc_ready(doc):
    after(health_check_of(doc, "PRIMARY"))["resource_path"] = "/health/ready"


@mutation("failover-primary-check-not-writable", r"standby: failover health checks of .* on /health/region\b",
          "the PRIMARY record's health check on /health/region without writable=true (a demoted region takes traffic back)",
          envs=["production"])
def _hc_not_writable(doc):
    after(health_check_of(doc, "PRIMARY"))["resource_path"] = "/health/region"


@mutation("failover-check-slow", r"standby: failover health checks of .* on /health/region\b",
          "the SECONDARY record's health check every 30 s, 5 failures", envs=["production"])
def _hc_slow(doc):
    after(health_check_of(doc, "SECONDARY")).update(request_interval=30, failure_threshold=5)


@mutation("failover-check-through-other-alb", r"standby: failover health checks of .* on /health/region\b",
          "the SECONDARY record's health check probes the primary region's ALB", envs=["production"])
def _hc_other_alb(doc):
    primary = resource_config(doc, health_check_of(doc, "PRIMARY"))["expressions"]["fqdn"]
    resource_config(doc, health_check_of(doc, "SECONDARY"))["expressions"]["fqdn"] = copy.deepcopy(primary)


@mutation("standby-asg-min-1", r"standby: ASG .* min_size >= 2\b", "the standby region's ASG min_size = 1",
          envs=["production"])
def _standby_min_1(doc):
    after(standby_asg(doc))["min_size"] = 1


@mutation("standby-asg-one-az", r"standby: ASG .* over >= 2 subnets in distinct AZs\b",
          "the standby ASG's vpc_zone_identifier = [<its subnet list>[0]] (one AZ)", envs=["production"])
def _standby_one_az(doc):
    asg = standby_asg(doc)
    expr = resource_config(doc, asg)["expressions"].get("vpc_zone_identifier") or {}
    refs = [r for r in expr.get("references", []) if "[" not in r]
    if not refs:
        raise Inapplicable("vpc_zone_identifier has no reference to index")
    # the module's configuration is shared by its instances: only the standby module's copy changes
    expr["references"] = [refs[0] + "[0]", refs[0]]


@mutation("global-datastore-secondary-in-primary-region", r"standby: the Global Datastore's secondary is in the standby region\b",
          "the Redis secondary planned with the primary region's provider and AZs", envs=["production"])
def _gds_same_region(doc):
    plan = check_plan.Plan(doc)
    region = plan.variable("region")
    hit = False
    for rg in planned(doc, "aws_elasticache_replication_group"):
        cfg = resource_config(doc, rg)
        if plan.region_of(rg) == plan.variable("standby_region") and cfg["expressions"].get("global_replication_group_id"):
            cfg["provider_config_key"] = "aws"
            azs = after(rg).get("preferred_cache_cluster_azs") or []
            after(rg)["preferred_cache_cluster_azs"] = [region + az[-1] for az in azs]
            hit = True
    if not hit:
        raise Inapplicable("no Global Datastore secondary in the standby region")


# ---------------------------------------------------------------- run --
def run_checker(env, path):
    proc = subprocess.run([sys.executable, CHECKER, "--env", env, path],
                          capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--env")
    ap.add_argument("--keep", metavar="DIR", help="write the mutated plans into DIR and keep them")
    ap.add_argument("--list", action="store_true", help="list the mutations and exit")
    ap.add_argument("plan", nargs="?")
    args = ap.parse_args()
    if args.list:
        for name, (expect, what, _) in MUTATIONS.items():
            print(f"{name}: {what}  [check: {expect}]")
        return
    if not args.env or not args.plan:
        ap.error("--env and plan are required")

    where = f"envs/{args.env}"
    rc, out = run_checker(args.env, args.plan)
    if rc != 0:
        print(f"FAIL policy self-test {where}: the unmutated plan does not pass check_plan.py (exit {rc})")
        sys.exit(1)
    with open(args.plan, encoding="utf-8") as fh:
        original = fh.read()

    outdir = args.keep or tempfile.mkdtemp(prefix="policy-mutations.")
    os.makedirs(outdir, exist_ok=True)
    failed = 0
    fail_line = re.compile(r"^FAIL policy\[" + re.escape(args.env) + r"\] (.*)$")
    try:
        for name, (expect, _, fn) in MUTATIONS.items():
            if name in ENVS_OF and args.env not in ENVS_OF[name]:
                continue
            doc = json.loads(original)
            try:
                fn(doc)
            except (Inapplicable, KeyError, IndexError, TypeError, AttributeError) as exc:
                failed += 1
                print(f"FAIL policy misses {name} ({where}): mutation not applicable: {exc!r}")
                continue
            path = os.path.join(outdir, f"{args.env}.{name}.json")
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(doc, fh)
            rc, out = run_checker(args.env, path)
            fails = [m.group(1) for m in map(fail_line.match, out.splitlines()) if m]
            caught = [f for f in fails if re.match(expect, f)]
            if rc != 0 and caught:
                print(f"PASS policy catches {name} ({where})")
                continue
            failed += 1
            if rc == 0:
                why = "check_plan.py exited 0"
            else:
                tail = " | ".join(out.strip().splitlines()[-3:])
                why = f"exit {rc} but no FAIL line for '{expect}'; FAIL lines: {fails or tail}"
            print(f"FAIL policy misses {name} ({where}): {why}")
    finally:
        if not args.keep:
            for f in os.listdir(outdir):
                os.unlink(os.path.join(outdir, f))
            os.rmdir(outdir)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
