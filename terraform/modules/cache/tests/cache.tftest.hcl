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
      aws_elasticache_replication_group.this.auth_token == aws_secretsmanager_secret_version.auth[0].secret_string &&
      aws_secretsmanager_secret_version.auth[0].secret_id == aws_secretsmanager_secret.auth[0].id &&
      length(aws_elasticache_replication_group.this.auth_token) >= 16
    )
    error_message = "The AUTH token comes from the module's Secrets Manager secret."
  }

  assert {
    condition     = data.aws_secretsmanager_random_password.auth[0].exclude_punctuation && data.aws_secretsmanager_random_password.auth[0].password_length == 64
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

run "global_datastore_primary" {
  command = apply

  variables {
    global_datastore       = true
    secret_replica_regions = ["eu-central-1"]
  }

  assert {
    condition = (
      aws_elasticache_global_replication_group.this[0].primary_replication_group_id == aws_elasticache_replication_group.this.id &&
      output.global_replication_group_id == aws_elasticache_global_replication_group.this[0].global_replication_group_id
    )
    error_message = "The replication group is the primary of a Global Datastore."
  }

  assert {
    condition = (
      [for r in aws_secretsmanager_secret.auth[0].replica : r.region] == ["eu-central-1"] &&
      output.auth_token_secret_replica_arns["eu-central-1"] == replace(aws_secretsmanager_secret.auth[0].arn, ":eu-west-1:", ":eu-central-1:")
    )
    error_message = "The AUTH token secret is replicated to the standby region, with the replica's ARN exported."
  }
}

run "global_datastore_secondary" {
  command   = apply
  state_key = "standby" # its own state: nothing carried over from the primary runs

  variables {
    name                        = "conduit-test-standby"
    azs                         = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
    role                        = "secondary"
    global_replication_group_id = "ldgnf-conduit-test-redis"
    auth_token                  = "MockAuthTokenMockAuthTokenMockAuthTokenMockAuthTokenMockAuth1234"
    auth_token_secret_arn       = "arn:aws:secretsmanager:eu-central-1:111111111111:secret:conduit/mock/redis-auth-AbCdEf"
  }

  # That the secondary sets none of what the Global Datastore decides (engine, version, node
  # type, parameter group, encryption) is proven by this run planning at all: the provider's
  # schema makes each of them conflict with global_replication_group_id.
  assert {
    condition     = aws_elasticache_replication_group.this.global_replication_group_id == "ldgnf-conduit-test-redis"
    error_message = "The secondary joins the given Global Datastore."
  }

  assert {
    condition = (
      aws_elasticache_replication_group.this.automatic_failover_enabled && aws_elasticache_replication_group.this.multi_az_enabled &&
      aws_elasticache_replication_group.this.num_cache_clusters >= 2 &&
      length(distinct(aws_elasticache_replication_group.this.preferred_cache_cluster_azs)) == 2
    )
    error_message = "The secondary is Multi-AZ with automatic failover in its own region."
  }

  assert {
    condition = (
      length(aws_secretsmanager_secret.auth) == 0 && length(aws_elasticache_global_replication_group.this) == 0 &&
      output.auth_token_secret_arn == "arn:aws:secretsmanager:eu-central-1:111111111111:secret:conduit/mock/redis-auth-AbCdEf" &&
      output.is_secondary
    )
    error_message = "A secondary uses the primary's token (its secret's replica in this region) and creates no secret of its own."
  }
}

run "rejects_secondary_without_datastore" {
  command = plan

  variables {
    role = "secondary"
  }

  expect_failures = [var.global_replication_group_id]
}
