# Whole staging root with a mocked AWS provider; values from terraform.tfvars.
mock_provider "aws" {
  source = "../../tests/mocks"
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
    condition     = output.web_acl_arn == null
    error_message = "Staging runs without WAF."
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
