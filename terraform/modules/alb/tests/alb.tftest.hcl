mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name              = "conduit-test"
  vpc_id            = "vpc-0123456789abcdef0"
  public_subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"]
  certificate_arn   = "arn:aws:acm:eu-west-1:210987654321:certificate/3f6c1d2e-8a4b-4c5d-9e7f-0a1b2c3d4e5f"
}

run "defaults" {
  command = apply

  assert {
    condition = (
      aws_lb_target_group.app.port == 8080 &&
      aws_lb_target_group.app.protocol == "HTTP" &&
      aws_lb_target_group.app.deregistration_delay == "30"
    )
    error_message = "Target group must forward HTTP to port 8080 with a 30 s deregistration delay."
  }

  assert {
    condition = (
      aws_lb_target_group.app.health_check[0].path == "/health/ready" &&
      aws_lb_target_group.app.health_check[0].matcher == "200" &&
      aws_lb_target_group.app.health_check[0].interval == 5 &&
      aws_lb_target_group.app.health_check[0].timeout == 2 &&
      aws_lb_target_group.app.health_check[0].healthy_threshold == 2 &&
      aws_lb_target_group.app.health_check[0].unhealthy_threshold == 2 &&
      aws_lb_target_group.app.health_check[0].port == "traffic-port"
    )
    error_message = "Health check must probe /health/ready every 5 s (timeout 2 s, thresholds 2/2, 200)."
  }

  assert {
    condition     = aws_lb_listener.https.protocol == "HTTPS" && aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06" && aws_lb_listener.https.certificate_arn == "arn:aws:acm:eu-west-1:210987654321:certificate/3f6c1d2e-8a4b-4c5d-9e7f-0a1b2c3d4e5f"
    error_message = "HTTPS listener must use the given certificate and a TLS 1.3/1.2 policy."
  }

  assert {
    condition = (
      aws_lb_listener.http.default_action[0].type == "redirect" &&
      aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS" &&
      aws_lb_listener.http.default_action[0].redirect[0].status_code == "HTTP_301"
    )
    error_message = "HTTP listener must redirect to HTTPS with 301."
  }

  assert {
    condition     = aws_lb.this.drop_invalid_header_fields && !aws_lb.this.internal && aws_lb.this.enable_deletion_protection
    error_message = "ALB must be internet-facing, drop invalid headers and be deletion protected by default."
  }

  assert {
    condition     = aws_lb.this.access_logs[0].enabled && aws_lb.this.access_logs[0].bucket == aws_s3_bucket.logs.id
    error_message = "Access logs must go to the module's S3 bucket."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.logs.block_public_acls &&
      aws_s3_bucket_public_access_block.logs.block_public_policy &&
      aws_s3_bucket_public_access_block.logs.restrict_public_buckets &&
      one(aws_s3_bucket_server_side_encryption_configuration.logs.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256" &&
      aws_s3_bucket_lifecycle_configuration.logs.rule[0].expiration[0].days == 90
    )
    error_message = "Log bucket must be private, encrypted and expire logs."
  }

  assert {
    condition = (
      toset([for r in [aws_vpc_security_group_ingress_rule.alb_http, aws_vpc_security_group_ingress_rule.alb_https] : r.from_port]) == toset([80, 443]) &&
      alltrue([for r in [aws_vpc_security_group_ingress_rule.alb_http, aws_vpc_security_group_ingress_rule.alb_https] : r.from_port == r.to_port])
    )
    error_message = "The ALB security group admits only ports 80 and 443."
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && output.web_acl_arn == null
    error_message = "WAF is off by default."
  }
}

run "waf_enabled" {
  command = apply

  variables {
    enable_waf     = true
    waf_rate_limit = 1000
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 1 && aws_wafv2_web_acl_association.this[0].resource_arn == aws_lb.this.arn
    error_message = "With enable_waf the web ACL is created and associated to the ALB."
  }

  assert {
    condition = anytrue([
      for r in aws_wafv2_web_acl.this[0].rule :
      try(r.statement[0].rate_based_statement[0].limit == 1000 && r.statement[0].rate_based_statement[0].aggregate_key_type == "IP" && length(r.action[0].block) == 1, false)
    ])
    error_message = "The web ACL must block clients above the per-IP rate limit."
  }

  assert {
    condition = length([
      for r in aws_wafv2_web_acl.this[0].rule : r
      if try(r.statement[0].managed_rule_group_statement[0].name == "AWSManagedRulesCommonRuleSet" &&
      anytrue([for o in r.statement[0].managed_rule_group_statement[0].rule_action_override : o.name == "SizeRestrictions_BODY" && length(o.action_to_use[0].count) == 1]), false)
    ]) == 1
    error_message = "SizeRestrictions_BODY (8 KB) of the common rule set must only count: the API accepts 1 MiB bodies."
  }

  assert {
    condition = length([
      for r in aws_wafv2_web_acl.this[0].rule : r
      if try(
        r.statement[0].regex_match_statement[0].field_to_match[0].single_header[0].name == "content-length" &&
        length(r.action[0].block) == 1 &&
        can(regex(r.statement[0].regex_match_statement[0].regex_string, "1048577")) &&
        can(regex(r.statement[0].regex_match_statement[0].regex_string, "2000000")) &&
        can(regex(r.statement[0].regex_match_statement[0].regex_string, "10000000")) &&
        !can(regex(r.statement[0].regex_match_statement[0].regex_string, "1048576")) &&
        !can(regex(r.statement[0].regex_match_statement[0].regex_string, "999999")) &&
        !can(regex(r.statement[0].regex_match_statement[0].regex_string, "8193")),
      false)
    ]) == 1
    error_message = "WAF blocks a Content-Length above 1048576 (the API limit) and nothing at or below it."
  }
}

run "waf_body_limit_follows_the_api_limit" {
  command = apply

  variables {
    enable_waf        = true
    max_request_bytes = 65536
  }

  assert {
    condition = length([
      for r in aws_wafv2_web_acl.this[0].rule : r
      if try(
        can(regex(r.statement[0].regex_match_statement[0].regex_string, "65537")) &&
        can(regex(r.statement[0].regex_match_statement[0].regex_string, "99999")) &&
        !can(regex(r.statement[0].regex_match_statement[0].regex_string, "65536")) &&
        !can(regex(r.statement[0].regex_match_statement[0].regex_string, "60000")),
      false)
    ]) == 1
    error_message = "The Content-Length rule follows max_request_bytes."
  }
}

run "rejects_placeholder_certificate_arn" {
  command = plan

  variables {
    certificate_arn = "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
  }

  expect_failures = [var.certificate_arn]
}

run "rejects_tls10_policy" {
  command = plan

  variables {
    ssl_policy = "ELBSecurityPolicy-TLS13-1-0-2021-06"
  }

  expect_failures = [var.ssl_policy]
}

run "rejects_slow_health_check" {
  command = plan

  variables {
    health_check = { interval = 30, timeout = 5, unhealthy_threshold = 10 }
  }

  expect_failures = [var.health_check]
}

run "rejects_long_deregistration_delay" {
  command = plan

  variables {
    deregistration_delay = 100
  }

  expect_failures = [var.deregistration_delay]
}

run "rejects_bad_certificate_arn" {
  command = plan

  variables {
    certificate_arn = "not-an-arn"
  }

  expect_failures = [var.certificate_arn]
}

run "rejects_timeout_not_below_interval" {
  command = plan

  variables {
    health_check = { interval = 5, timeout = 5 }
  }

  expect_failures = [var.health_check]
}
