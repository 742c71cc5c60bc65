mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                      = "conduit-test"
  vpc_id                    = "vpc-0123456789abcdef0"
  subnet_ids                = ["subnet-0000000000000000d", "subnet-0000000000000000e", "subnet-0000000000000000f"]
  azs                       = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  client_security_group_ids = { app = "sg-00000000000000a99" }
}

run "failover_and_encryption" {
  command = apply

  assert {
    condition = (
      aws_elasticache_replication_group.this.automatic_failover_enabled &&
      aws_elasticache_replication_group.this.multi_az_enabled &&
      aws_elasticache_replication_group.this.num_cache_clusters >= 2
    )
    error_message = "Redis needs a replica, automatic failover and Multi-AZ."
  }

  assert {
    condition     = length(distinct(aws_elasticache_replication_group.this.preferred_cache_cluster_azs)) == 2
    error_message = "Primary and replica must be placed in different AZs."
  }

  assert {
    condition = (
      aws_elasticache_replication_group.this.transit_encryption_enabled &&
      aws_elasticache_replication_group.this.transit_encryption_mode == "required" &&
      aws_elasticache_replication_group.this.at_rest_encryption_enabled == "true"
    )
    error_message = "TLS in transit (required) and encryption at rest."
  }

  assert {
    condition = (
      aws_elasticache_replication_group.this.auth_token == aws_secretsmanager_secret_version.auth.secret_string &&
      aws_secretsmanager_secret_version.auth.secret_id == aws_secretsmanager_secret.auth.id &&
      length(aws_elasticache_replication_group.this.auth_token) >= 16
    )
    error_message = "The AUTH token comes from the module's Secrets Manager secret."
  }

  assert {
    condition     = data.aws_secretsmanager_random_password.auth.exclude_punctuation && data.aws_secretsmanager_random_password.auth.password_length == 64
    error_message = "The generated token is long and URL-safe (no punctuation)."
  }

  assert {
    condition     = aws_elasticache_replication_group.this.snapshot_retention_limit >= 1 && aws_elasticache_subnet_group.this.subnet_ids == toset(["subnet-0000000000000000d", "subnet-0000000000000000e", "subnet-0000000000000000f"])
    error_message = "Snapshots are kept and the cache lives in the data subnets."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.cache_from_client["app"].referenced_security_group_id == "sg-00000000000000a99" &&
      aws_vpc_security_group_ingress_rule.cache_from_client["app"].from_port == 6379 &&
      aws_vpc_security_group_ingress_rule.cache_from_client["app"].to_port == 6379 &&
      aws_vpc_security_group_ingress_rule.cache_from_client["app"].cidr_ipv4 == null &&
      length(aws_vpc_security_group_ingress_rule.cache_from_client) == 1
    )
    error_message = "Redis is reachable only from the app security group on 6379."
  }

  assert {
    condition     = output.member_cluster_ids == ["conduit-test-redis-001", "conduit-test-redis-002"]
    error_message = "Node IDs follow <replication group id>-00N."
  }
}

run "three_nodes_spread_over_three_azs" {
  command = apply

  variables {
    num_cache_clusters = 3
    engine             = "valkey"
    engine_version     = "8.0"
  }

  assert {
    condition     = tolist(aws_elasticache_replication_group.this.preferred_cache_cluster_azs) == tolist(["eu-west-1a", "eu-west-1b", "eu-west-1c"]) && aws_elasticache_replication_group.this.parameter_group_name == "default.valkey8"
    error_message = "Three nodes go to three AZs; the default parameter group matches the engine."
  }
}

run "rejects_single_node" {
  command = plan

  variables {
    num_cache_clusters = 1
  }

  expect_failures = [var.num_cache_clusters]
}

run "rejects_unknown_engine" {
  command = plan

  variables {
    engine = "memcached"
  }

  expect_failures = [var.engine]
}
