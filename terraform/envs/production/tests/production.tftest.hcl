# Whole production root with a mocked AWS provider; values from terraform.tfvars.
mock_provider "aws" {
  source = "../../tests/mocks"
}

mock_provider "aws" {
  alias  = "standby"
  source = "../../tests/mocks"
}

# Account-specific values and the release's AMI are not committed: given here as the
# operator's account.auto.tfvars and scripts/release would.
variables {
  certificate_arn = "arn:aws:acm:eu-west-1:210987654321:certificate/3f6c1d2e-8a4b-4c5d-9e7f-0a1b2c3d4e5f"
  ami_id          = "ami-0123456789abcdef0"
  app_version     = "1.2.3"
  alarm_emails    = ["oncall@example.org"]

  standby_certificate_arn = "arn:aws:acm:eu-central-1:210987654321:certificate/4a7d2e3f-9b5c-4d6e-8f0a-1b2c3d4e5f60"
  standby_ami_id          = "ami-0fedcba9876543210"
  dns_zone_id             = "Z0123456789ABCDEFGHIJ"
  dns_record_name         = "api.conduit.example.org"
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

run "standby_region_takes_over" {
  command = apply

  assert {
    condition     = output.standby_region == "eu-central-1" && output.standby_region != output.primary_region
    error_message = "The standby is in its own region."
  }

  assert {
    condition = (
      module.standby_database.is_replica && module.standby_database.storage_encrypted &&
      module.standby_database.replicate_source_db == module.database.instance_arn &&
      module.standby_database.kms_key_arn != null &&
      module.standby_database.multi_az && module.standby_database.deletion_protection &&
      !module.database.is_replica
    )
    error_message = "The standby database is an encrypted cross-region replica of the primary (ARN), with a key of its region."
  }

  assert {
    condition = (
      module.standby_cache.is_secondary && !module.cache.is_secondary &&
      module.standby_cache.global_replication_group_id == module.cache.global_replication_group_id &&
      output.global_replication_group_id != null &&
      module.standby_cache.auth_token_secret_arn == module.cache.auth_token_secret_replica_arns["eu-central-1"] &&
      startswith(module.standby_cache.auth_token_secret_arn, "arn:aws:secretsmanager:eu-central-1:")
    )
    error_message = "The standby Redis joins the primary's Global Datastore and reads the AUTH token from the secret's replica in its region."
  }

  assert {
    condition = (
      module.database.master_user_secret_arn != null && module.standby_database.master_user_secret_arn == null &&
      keys(module.database.master_user_secret_replica_arns) == ["eu-central-1"] &&
      startswith(module.database.master_user_secret_replica_arns["eu-central-1"], "arn:aws:secretsmanager:eu-central-1:") &&
      module.database.rotation_security_group_id != null && module.standby_database.rotation_security_group_id == null
    )
    error_message = "The primary's master secret is replicated to the standby region (the replica has none of its own) and rotated by a function with its own security group."
  }

  assert {
    condition = (
      output.standby_asg_name == "conduit-production-standby-app" && output.primary_asg_name == "conduit-production-app" &&
      module.standby_app.subnet_count == 3 && output.standby_ami_id == "ami-0fedcba9876543210"
    )
    error_message = "The warm standby ASG runs the AMI's copy over the standby region's 3 private subnets."
  }

  assert {
    condition = (
      aws_route53_record.primary.failover_routing_policy[0].type == "PRIMARY" &&
      aws_route53_record.secondary.failover_routing_policy[0].type == "SECONDARY" &&
      aws_route53_record.primary.health_check_id == aws_route53_health_check.primary.id &&
      aws_route53_record.secondary.health_check_id == aws_route53_health_check.standby.id &&
      !one(aws_route53_record.primary.alias).evaluate_target_health &&
      !one(aws_route53_record.secondary.alias).evaluate_target_health
    )
    error_message = "A PRIMARY/SECONDARY failover pair, each record with its region's health check."
  }

  assert {
    condition = (
      aws_route53_health_check.primary.resource_path == "/health/region?writable=true" &&
      aws_route53_health_check.standby.resource_path == "/health/region" &&
      aws_route53_health_check.primary.type == "HTTPS" && aws_route53_health_check.standby.type == "HTTPS" &&
      aws_route53_health_check.primary.request_interval == 10 && aws_route53_health_check.primary.failure_threshold == 3 &&
      aws_route53_health_check.standby.request_interval == 10 && aws_route53_health_check.standby.failure_threshold == 3
    )
    error_message = "The failover health checks probe /health/region (the primary's with writable=true), 10 s x 3."
  }

  assert {
    condition = length(module.standby_app.ssm_parameter_names) >= 12 && alltrue([
      for p in ["db_host", "db_secret_arn", "db_jdbc_url", "redis_host", "redis_auth_secret_arn", "trusted_proxy_hops"] :
      contains(module.standby_app.ssm_parameter_names, "/conduit/production/${p}")
    ])
    error_message = "The standby instances get the same SSM contract in their region."
  }
}

run "rejects_standby_in_the_primary_region" {
  command = plan

  variables {
    standby_region          = "eu-west-1"
    standby_azs             = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    standby_certificate_arn = "arn:aws:acm:eu-west-1:210987654321:certificate/4a7d2e3f-9b5c-4d6e-8f0a-1b2c3d4e5f60"
  }

  expect_failures = [var.standby_region]
}

run "rejects_standby_certificate_of_another_region" {
  command = plan

  variables {
    standby_certificate_arn = "arn:aws:acm:eu-west-1:210987654321:certificate/4a7d2e3f-9b5c-4d6e-8f0a-1b2c3d4e5f60"
  }

  expect_failures = [var.standby_certificate_arn]
}

run "rejects_a_single_warm_standby_instance" {
  command = plan

  variables {
    standby_min_size = 1
  }

  expect_failures = [var.standby_min_size]
}
