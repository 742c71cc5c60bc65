variable "name" {
  description = "Name prefix for every resource of this module (e.g. conduit-staging)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3-41 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Isolated data subnets of the DB subnet group (at least 2 AZs; Multi-AZ standby goes to another AZ)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "A Multi-AZ DB subnet group needs subnets in at least 2 Availability Zones."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach PostgreSQL, keyed by a static label (e.g. { app = sg-... }). Each also gets an egress rule to the database."
  type        = map(string)

  validation {
    condition     = length(var.client_security_group_ids) >= 1
    error_message = "At least one client security group (the app) must be allowed."
  }
}

variable "engine_version" {
  description = "PostgreSQL engine version (major, or major.minor). Minor upgrades are applied automatically in the maintenance window."
  type        = string
  default     = "17"

  validation {
    condition     = can(regex("^17(\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be PostgreSQL 17 (\"17\" or \"17.x\"); the parameter group family is postgres17."
  }
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage" {
  description = "Initial gp3 storage in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage >= 20
    error_message = "allocated_storage must be at least 20 GiB."
  }
}

variable "max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB (must exceed allocated_storage)."
  type        = number
  default     = 100

  validation {
    condition     = var.max_allocated_storage > var.allocated_storage
    error_message = "max_allocated_storage must be greater than allocated_storage."
  }
}

variable "database_name" {
  description = "Name of the application database."
  type        = string
  default     = "conduit"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a lower-case PostgreSQL identifier."
  }
}

variable "master_username" {
  description = "Master user name; its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "conduit"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.master_username)) && !contains(["postgres", "admin", "rdsadmin"], var.master_username)
    error_message = "master_username must be a lower-case identifier and not a reserved name."
  }
}

variable "backup_retention_period" {
  description = "Days of automated backups / point-in-time recovery."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_period >= 7 && var.backup_retention_period <= 35
    error_message = "backup_retention_period must be between 7 and 35 days."
  }
}

variable "backup_window" {
  description = "Daily UTC backup window (hh24:mi-hh24:mi), must not overlap the maintenance window."
  type        = string
  default     = "02:00-03:00"
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:03:30-sun:04:30"
}

variable "deletion_protection" {
  description = "Protect the instance from deletion (true in production; a final snapshot is taken on delete regardless)."
  type        = bool
  default     = true
}

variable "performance_insights_retention_days" {
  description = "Performance Insights retention in days (7 is the free tier)."
  type        = number
  default     = 7
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds (0 disables it)."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "kms_key_arn" {
  description = "KMS key for storage encryption; null = the AWS-managed aws/rds key."
  type        = string
  default     = null
}

variable "apply_immediately" {
  description = "Apply modifications immediately instead of in the maintenance window."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Extra tags for the resources of this module."
  type        = map(string)
  default     = {}
}

variable "master_password_rotation" {
  description = "Rotation of the RDS-managed master secret: a Secrets Manager schedule expression (at least 30 days apart) and the window length. Default: first Tuesday of the month, 03:00 UTC, 2 h window."
  type = object({
    schedule_expression = optional(string, "cron(0 3 ? * TUE#1 *)")
    duration            = optional(string, "2h")
  })
  default = {}

  validation {
    condition     = can(regex("^cron\\(0 [0-9]{1,2} \\? \\* [A-Z]{3}#[1-4] \\*\\)$", var.master_password_rotation.schedule_expression)) || can(regex("^rate\\(([3-9][0-9]|[1-9][0-9]{2,}) days\\)$", var.master_password_rotation.schedule_expression))
    error_message = "master_password_rotation.schedule_expression must be a monthly cron (cron(0 H ? * DAY#N *)) or rate(N days) with N >= 30."
  }
}
