mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                      = "conduit-test"
  vpc_id                    = "vpc-0123456789abcdef0"
  subnet_ids                = ["subnet-0000000000000000d", "subnet-0000000000000000e", "subnet-0000000000000000f"]
  client_security_group_ids = { app = "sg-00000000000000a99" }
  rotation_subnet_ids       = ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"]
}

run "high_availability_and_encryption" {
  command = apply

  assert {
    condition     = aws_db_instance.this.multi_az && aws_db_instance.this.engine == "postgres" && startswith(aws_db_instance.this.engine_version, "17")
    error_message = "PostgreSQL 17 must run Multi-AZ."
  }

  assert {
    condition     = aws_db_instance.this.storage_encrypted && aws_db_instance.this.storage_type == "gp3" && !aws_db_instance.this.publicly_accessible
    error_message = "Storage must be encrypted and the instance private."
  }

  assert {
    condition     = anytrue([for p in aws_db_parameter_group.this.parameter : p.name == "rds.force_ssl" && p.value == "1"]) && aws_db_instance.this.parameter_group_name == aws_db_parameter_group.this.name
    error_message = "TLS must be forced through the attached parameter group (rds.force_ssl = 1)."
  }

  assert {
    condition = (
      aws_db_instance.this.manage_master_user_password == null && aws_db_instance.this.password == null &&
      aws_db_instance.this.password_wo == null && aws_db_instance.this.password_wo_version == 1 &&
      aws_secretsmanager_secret_version.master[0].secret_string_wo == null &&
      aws_secretsmanager_secret_version.master[0].secret_string_wo_version == 1 &&
      aws_secretsmanager_secret_version.master[0].secret_id == aws_secretsmanager_secret.master[0].id
    )
    error_message = "The master password is given write-only (password_wo, version 1) and stored write-only in the Terraform-owned secret; not manage_master_user_password (it forbids read replicas)."
  }

  assert {
    condition = (
      data.aws_secretsmanager_random_password.master[0].password_length == 40 &&
      !strcontains(data.aws_secretsmanager_random_password.master[0].exclude_characters, "a") &&
      alltrue([for c in ["/", "@", "\"", " "] : strcontains(data.aws_secretsmanager_random_password.master[0].exclude_characters, c)])
    )
    error_message = "The password is 40 characters without those RDS refuses (/ @ \" space)."
  }

  assert {
    condition = (
      aws_secretsmanager_secret_rotation.master[0].secret_id == aws_secretsmanager_secret.master[0].id &&
      aws_secretsmanager_secret_rotation.master[0].rotation_lambda_arn == aws_serverlessapplicationrepository_cloudformation_stack.rotation[0].outputs["RotationLambdaARN"] &&
      aws_secretsmanager_secret_rotation.master[0].rotation_rules[0].schedule_expression == "cron(0 3 ? * TUE#1 *)" &&
      aws_secretsmanager_secret_rotation.master[0].rotation_rules[0].duration == "2h"
    )
    error_message = "The master secret rotates with the AWS function on the deliberate monthly schedule (first Tuesday 03:00 UTC, 2 h), not a 7-day default."
  }

  assert {
    condition = (
      aws_serverlessapplicationrepository_cloudformation_stack.rotation[0].application_id == "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser" &&
      aws_serverlessapplicationrepository_cloudformation_stack.rotation[0].semantic_version == "1.1.618" &&
      aws_serverlessapplicationrepository_cloudformation_stack.rotation[0].parameters["vpcSubnetIds"] == "subnet-0000000000000000a,subnet-0000000000000000b,subnet-0000000000000000c" &&
      aws_serverlessapplicationrepository_cloudformation_stack.rotation[0].parameters["vpcSecurityGroupIds"] == aws_security_group.rotation[0].id &&
      aws_serverlessapplicationrepository_cloudformation_stack.rotation[0].parameters["endpoint"] == "https://secretsmanager.eu-west-1.amazonaws.com"
    )
    error_message = "The rotation function is AWS's PostgreSQL single-user application (pinned), in the given subnets with its own security group."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.db_from_rotation[0].referenced_security_group_id == aws_security_group.rotation[0].id &&
      aws_vpc_security_group_ingress_rule.db_from_rotation[0].from_port == 5432 && aws_vpc_security_group_ingress_rule.db_from_rotation[0].to_port == 5432 &&
      aws_vpc_security_group_egress_rule.rotation_to_db[0].referenced_security_group_id == aws_security_group.db.id &&
      aws_vpc_security_group_egress_rule.rotation_to_secretsmanager[0].from_port == 443 &&
      output.rotation_security_group_id == aws_security_group.rotation[0].id
    )
    error_message = "The rotation function's security group (and only it, besides the clients) reaches 5432; it reaches Secrets Manager on 443."
  }

  assert {
    condition     = length(aws_secretsmanager_secret.master[0].replica) == 0 && output.master_user_secret_replica_arns == {}
    error_message = "Without secret_replica_regions the master secret has no replica."
  }

  assert {
    condition = (
      aws_db_instance.this.backup_retention_period >= 7 &&
      !aws_db_instance.this.skip_final_snapshot &&
      startswith(aws_db_instance.this.final_snapshot_identifier, "conduit-test-db-final-") &&
      length(aws_db_instance.this.final_snapshot_identifier) == length("conduit-test-db-final-") + 14 &&
      aws_db_instance.this.deletion_protection &&
      aws_db_instance.this.auto_minor_version_upgrade &&
      aws_db_instance.this.performance_insights_enabled
    )
    error_message = "Backups (PITR), final snapshot, deletion protection, minor upgrades and Performance Insights are on by default."
  }

  assert {
    condition     = aws_db_subnet_group.this.subnet_ids == toset(["subnet-0000000000000000d", "subnet-0000000000000000e", "subnet-0000000000000000f"])
    error_message = "The DB subnet group uses the data subnets."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.db_from_client["app"].referenced_security_group_id == "sg-00000000000000a99" &&
      aws_vpc_security_group_ingress_rule.db_from_client["app"].from_port == 5432 &&
      aws_vpc_security_group_ingress_rule.db_from_client["app"].to_port == 5432 &&
      aws_vpc_security_group_ingress_rule.db_from_client["app"].cidr_ipv4 == null &&
      length(aws_vpc_security_group_ingress_rule.db_from_client) == 1
    )
    error_message = "PostgreSQL is reachable only from the app security group on 5432."
  }

  assert {
    condition     = startswith(output.master_user_secret_arn, "arn:aws:secretsmanager:") && output.master_user_secret_arn == aws_secretsmanager_secret.master[0].arn
    error_message = "The master secret ARN is exported for the instances."
  }
}

run "deletion_protection_can_be_disabled_for_staging" {
  command = apply

  variables {
    deletion_protection = false
  }

  assert {
    condition     = !aws_db_instance.this.deletion_protection && !aws_db_instance.this.skip_final_snapshot
    error_message = "Without deletion protection a final snapshot is still taken."
  }
}

run "rejects_short_backup_retention" {
  command = plan

  variables {
    backup_retention_period = 1
  }

  expect_failures = [var.backup_retention_period]
}

run "rejects_other_major_version" {
  command = plan

  variables {
    engine_version = "16.4"
  }

  expect_failures = [var.engine_version]
}

run "rejects_single_subnet" {
  command = plan

  variables {
    subnet_ids = ["subnet-0000000000000000d"]
  }

  expect_failures = [var.subnet_ids]
}

run "rejects_weekly_rotation" {
  command = plan

  variables {
    master_password_rotation = { schedule_expression = "rate(7 days)" }
  }

  expect_failures = [var.master_password_rotation]
}

run "cross_region_replica" {
  command   = apply
  state_key = "standby" # its own state: nothing carried over from the primary runs

  variables {
    name                = "conduit-test-standby"
    role                = "replica"
    replicate_source_db = "arn:aws:rds:eu-west-1:111111111111:db:conduit-test-db"
  }

  assert {
    condition = (
      aws_db_instance.this.replicate_source_db == "arn:aws:rds:eu-west-1:111111111111:db:conduit-test-db" &&
      aws_db_instance.this.storage_encrypted &&
      aws_db_instance.this.kms_key_id == aws_kms_key.replica[0].arn &&
      aws_kms_key.replica[0].enable_key_rotation
    )
    error_message = "A cross-region replica is encrypted with a KMS key of its own region."
  }

  assert {
    condition = (
      aws_db_instance.this.manage_master_user_password == null && aws_db_instance.this.password == null &&
      aws_db_instance.this.password_wo_version == null &&
      length(aws_secretsmanager_secret_rotation.master) == 0 && length(aws_secretsmanager_secret.master) == 0 &&
      length(aws_serverlessapplicationrepository_cloudformation_stack.rotation) == 0 &&
      length(aws_vpc_security_group_ingress_rule.db_from_rotation) == 0 &&
      output.master_user_secret_arn == null
    )
    error_message = "A replica has no master user, password or rotation of its own (the source's, by physical replication)."
  }

  assert {
    condition = (
      aws_db_instance.this.multi_az && !aws_db_instance.this.publicly_accessible &&
      aws_db_instance.this.backup_retention_period >= 7 && aws_db_instance.this.deletion_protection &&
      !aws_db_instance.this.skip_final_snapshot &&
      aws_db_instance.this.parameter_group_name == aws_db_parameter_group.this.name
    )
    error_message = "The replica keeps the primary's properties: Multi-AZ, private, backups (for after its promotion), deletion protection, TLS forced."
  }

  assert {
    condition     = output.is_replica
    error_message = "The module says it is a replica (the failover promotes it)."
  }
}

run "replica_with_a_given_key" {
  command = apply

  variables {
    role                = "replica"
    replicate_source_db = "arn:aws:rds:eu-west-1:111111111111:db:conduit-test-db"
    kms_key_arn         = "arn:aws:kms:eu-central-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = length(aws_kms_key.replica) == 0 && aws_db_instance.this.kms_key_id == "arn:aws:kms:eu-central-1:111111111111:key/11111111-2222-3333-4444-555555555555"
    error_message = "A given key is used as is."
  }
}

run "rejects_replica_without_source" {
  command = plan

  variables {
    role = "replica"
  }

  expect_failures = [var.replicate_source_db]
}

run "rejects_replica_source_by_identifier" {
  command = plan

  variables {
    role                = "replica"
    replicate_source_db = "conduit-test-db"
  }

  expect_failures = [var.replicate_source_db]
}

run "master_secret_replicated_to_the_standby_region" {
  command = apply

  variables {
    secret_replica_regions      = ["eu-central-1"]
    secret_replica_kms_key_arns = { "eu-central-1" = "arn:aws:kms:eu-central-1:111111111111:key/00000000-0000-0000-0000-000000000001" }
  }

  assert {
    condition = (
      [for r in aws_secretsmanager_secret.master[0].replica : r.region] == ["eu-central-1"] &&
      [for r in aws_secretsmanager_secret.master[0].replica : r.kms_key_id] == ["arn:aws:kms:eu-central-1:111111111111:key/00000000-0000-0000-0000-000000000001"] &&
      output.master_user_secret_replica_arns["eu-central-1"] == replace(aws_secretsmanager_secret.master[0].arn, ":eu-west-1:", ":eu-central-1:")
    )
    error_message = "The master secret is replicated (with the given key) to every region of secret_replica_regions, and its replica's ARN exported."
  }
}

run "primary_needs_rotation_subnets" {
  command = plan

  variables {
    rotation_subnet_ids = []
  }

  expect_failures = [aws_serverlessapplicationrepository_cloudformation_stack.rotation]
}

run "rejects_other_rotation_application" {
  command = plan

  variables {
    rotation_application_id = "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationMultiUser"
  }

  expect_failures = [var.rotation_application_id]
}
