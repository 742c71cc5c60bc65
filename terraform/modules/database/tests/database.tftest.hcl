mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                      = "conduit-test"
  vpc_id                    = "vpc-0123456789abcdef0"
  subnet_ids                = ["subnet-0000000000000000d", "subnet-0000000000000000e", "subnet-0000000000000000f"]
  client_security_group_ids = { app = "sg-00000000000000a99" }
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
    condition     = aws_db_instance.this.manage_master_user_password && aws_db_instance.this.password == null
    error_message = "The master password must be managed by RDS in Secrets Manager."
  }

  assert {
    condition = (
      aws_secretsmanager_secret_rotation.master.secret_id == aws_db_instance.this.master_user_secret[0].secret_arn &&
      aws_secretsmanager_secret_rotation.master.rotation_rules[0].schedule_expression == "cron(0 3 ? * TUE#1 *)" &&
      aws_secretsmanager_secret_rotation.master.rotation_rules[0].duration == "2h"
    )
    error_message = "The master secret rotates on the deliberate monthly schedule (first Tuesday 03:00 UTC, 2 h), not the 7-day default."
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
    condition     = startswith(output.master_user_secret_arn, "arn:aws:secretsmanager:")
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
