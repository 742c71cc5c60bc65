data "aws_partition" "current" {}

locals {
  port = 5432
}

resource "aws_security_group" "db" {
  name        = "${var.name}-db"
  description = "PostgreSQL: 5432 from the application only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-db" })
}

resource "aws_vpc_security_group_ingress_rule" "db_from_client" {
  for_each = var.client_security_group_ids

  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value
}

resource "aws_vpc_security_group_egress_rule" "client_to_db" {
  for_each = var.client_security_group_ids

  security_group_id            = each.value
  description                  = "${each.key} to PostgreSQL"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = aws_security_group.db.id
}

resource "aws_db_subnet_group" "this" {
  name        = "${var.name}-db"
  description = "Conduit PostgreSQL in the isolated data subnets"
  subnet_ids  = var.subnet_ids
  tags        = var.tags
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-pg17-"
  family      = "postgres17"
  description = "Conduit PostgreSQL 17: TLS forced"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  name               = "${var.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  identifier     = "${var.name}-db"
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class
  port           = local.port

  db_name                     = var.database_name
  username                    = var.master_username
  manage_master_user_password = true # password generated in Secrets Manager; rotation below

  multi_az               = true
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  network_type           = "IPV4"
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  storage_type          = "gp3"
  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  backup_retention_period  = var.backup_retention_period
  backup_window            = var.backup_window
  maintenance_window       = var.maintenance_window
  copy_tags_to_snapshot    = true
  delete_automated_backups = false
  deletion_protection      = var.deletion_protection
  skip_final_snapshot      = false
  # Unique per create: a second destroy of a re-created staging never collides with the
  # snapshot the first destroy left behind.
  # (creation time, kept by ignore_changes below).
  final_snapshot_identifier = "${var.name}-db-final-${formatdate("YYYYMMDDhhmmss", timestamp())}"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = var.apply_immediately

  performance_insights_enabled          = true
  performance_insights_retention_period = var.performance_insights_retention_days
  monitoring_interval                   = var.monitoring_interval
  monitoring_role_arn                   = var.monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null
  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]

  tags = merge(var.tags, { Name = "${var.name}-db" })

  depends_on = [aws_iam_role_policy_attachment.monitoring]

  lifecycle {
    ignore_changes = [final_snapshot_identifier]
  }
}

# The rotation schedule of the RDS-managed master secret, set deliberately instead of the
# 7-day default RDS gives it. The app reads the password at boot; the boot step re-reads the
# secret into its file and the app re-reads that file on an authentication failure (see
# docs/operations.md "Rotating the database and Redis secrets"). Until then every rotation
# must be followed by an instance refresh, so it runs on a known monthly schedule in a window.
resource "aws_secretsmanager_secret_rotation" "master" {
  secret_id = aws_db_instance.this.master_user_secret[0].secret_arn

  rotation_rules {
    schedule_expression = var.master_password_rotation.schedule_expression
    duration            = var.master_password_rotation.duration
  }
}
