# Whole production root with a mocked AWS provider; values from terraform.tfvars.
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

run "production_is_highly_available" {
  command = apply

  assert {
    condition     = length(distinct(output.private_subnet_azs)) == 3 && output.app_subnet_count == 3
    error_message = "The ASG spans the private subnets of 3 AZs."
  }

  assert {
    condition     = output.nat_gateway_count == 3
    error_message = "Production has one NAT gateway per AZ."
  }

  assert {
    condition     = module.database.multi_az && module.database.deletion_protection
    error_message = "Production RDS is Multi-AZ with deletion protection."
  }

  assert {
    condition     = module.cache.automatic_failover_enabled
    error_message = "Production Redis fails over automatically."
  }

  assert {
    condition     = output.web_acl_arn != null && contains(module.alb.web_acl_rule_names, "body-larger-than-api-limit")
    error_message = "Production ALB is protected by WAF (with the body-size rule at the API limit)."
  }

  assert {
    condition     = output.rollback_alarm_names == ["conduit-production-target-5xx", "conduit-production-unhealthy-hosts"]
    error_message = "The instance refresh rolls back on the production target-5xx and unhealthy-host alarms."
  }

  assert {
    condition = length(output.ssm_parameter_names) >= 12 && alltrue([
      for p in ["db_host", "db_port", "db_name", "db_user", "db_secret_arn", "db_jdbc_url", "redis_host", "redis_port", "redis_tls", "redis_auth_secret_arn", "http_port", "admin_port"] :
      contains(output.ssm_parameter_names, "/conduit/production/${p}")
    ])
    error_message = "Every SSM parameter of the contract (README) is written under /conduit/production/."
  }
}

run "rejects_bad_environment_name" {
  command = plan

  variables {
    environment = "prod"
  }

  expect_failures = [var.environment]
}

run "rejects_two_azs" {
  command = plan

  variables {
    azs = ["eu-west-1a", "eu-west-1b"]
  }

  expect_failures = [var.azs]
}

run "rejects_azs_of_another_region" {
  command = plan

  variables {
    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
  }

  expect_failures = [var.azs]
}

run "rejects_fewer_than_one_instance_per_az" {
  command = plan

  variables {
    min_size = 2
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

run "rejects_no_alarm_subscriber" {
  command = plan

  variables {
    alarm_emails = []
  }

  expect_failures = [var.alarm_emails]
}
