# Whole staging root with a mocked AWS provider; values from terraform.tfvars.
mock_provider "aws" {
  source = "../../tests/mocks"
}

# Account-specific values and the release's AMI are not committed: given here as the
# operator's account.auto.tfvars and scripts/release would.
variables {
  certificate_arn = "arn:aws:acm:eu-west-1:210987654321:certificate/3f6c1d2e-8a4b-4c5d-9e7f-0a1b2c3d4e5f"
  ami_id          = "ami-0123456789abcdef0"
  app_version     = "1.2.3"
  alarm_emails    = ["oncall@example.org"]
}

run "staging_is_cheap_but_still_multi_az" {
  command = apply

  assert {
    condition     = length(distinct(output.private_subnet_azs)) == 3 && output.app_subnet_count == 3
    error_message = "Staging keeps the 3-AZ shape."
  }

  assert {
    condition     = output.nat_gateway_count == 1
    error_message = "Staging uses a single NAT gateway."
  }

  assert {
    condition     = module.database.multi_az && !module.database.deletion_protection
    error_message = "Staging RDS is Multi-AZ without deletion protection."
  }

  assert {
    condition     = module.cache.automatic_failover_enabled
    error_message = "Staging Redis fails over automatically."
  }

  assert {
    condition     = output.web_acl_arn != null && length(module.alb.web_acl_rule_names) > 0 && contains(module.alb.web_acl_rule_names, "body-larger-than-api-limit")
    error_message = "Staging runs the same WAF as production (with the body-size rule at the API limit)."
  }

  assert {
    condition     = contains(output.ssm_parameter_names, "/conduit/staging/db_jdbc_url") && contains(output.ssm_parameter_names, "/conduit/staging/redis_auth_secret_arn")
    error_message = "The SSM parameters are written under /conduit/staging/."
  }
}

run "rejects_other_environment" {
  command = plan

  variables {
    environment = "production"
  }

  expect_failures = [var.environment]
}

run "rejects_min_size_1" {
  command = plan

  variables {
    min_size = 1
  }

  expect_failures = [var.min_size]
}

run "rejects_single_cache_node" {
  command = plan

  variables {
    cache_num_nodes = 1
  }

  expect_failures = [var.cache_num_nodes]
}

run "rejects_placeholder_certificate" {
  command = plan

  variables {
    certificate_arn = "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
  }

  expect_failures = [var.certificate_arn]
}

run "rejects_missing_ami" {
  command = plan

  variables {
    ami_id = "newest-with-tag"
  }

  expect_failures = [var.ami_id]
}
