variable "environment" {
  description = "Environment name; this root configuration only deploys staging."
  type        = string
  default     = "staging"

  validation {
    condition     = var.environment == "staging"
    error_message = "This root configuration deploys the staging environment only (environment = \"staging\")."
  }
}

variable "region" {
  description = "AWS region."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "azs" {
  description = "Three (or more) Availability Zones of the region."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 3 && length(distinct(var.azs)) == length(var.azs) && alltrue([for az in var.azs : startswith(az, var.region)])
    error_message = "Staging mirrors production over at least 3 distinct Availability Zones of the selected region."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.10.0.0/16"
}

variable "certificate_arn" {
  description = "ACM certificate ARN of the public HTTPS listener."
  type        = string
}

variable "app_version" {
  description = "Application version to run; the newest AMI tagged AppVersion = app_version is launched (unless ami_id is set)."
  type        = string
  default     = null
}

variable "ami_id" {
  description = "Explicit AMI ID (overrides the AppVersion lookup), e.g. for a manual rollback."
  type        = string
  default     = null
}

variable "instance_type" {
  description = "EC2 instance type of the application."
  type        = string
  default     = "t3.small"
}

variable "min_size" {
  description = "Minimum number of application instances (at least 2)."
  type        = number
  default     = 2

  validation {
    condition     = var.min_size >= 2
    error_message = "min_size must be at least 2 so that an instance or AZ can fail."
  }
}

variable "max_size" {
  description = "Maximum number of application instances."
  type        = number
  default     = 4
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "db_allocated_storage" {
  description = "Initial RDS storage in GiB."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "RDS storage autoscaling ceiling in GiB."
  type        = number
  default     = 100
}

variable "db_backup_retention_days" {
  description = "Days of automated RDS backups / point-in-time recovery."
  type        = number
  default     = 7
}

variable "cache_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "cache_num_nodes" {
  description = "Number of cache nodes (primary + replicas)."
  type        = number
  default     = 2

  validation {
    condition     = var.cache_num_nodes >= 2
    error_message = "cache_num_nodes must be at least 2 (a replica in another AZ for automatic failover)."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs (cheaper; egress then depends on one AZ)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Deletion protection of the database and the ALB (off in staging so the environment can be torn down)."
  type        = bool
  default     = false
}

variable "enable_waf" {
  description = "Attach the WAF web ACL to the ALB."
  type        = bool
  default     = false
}

variable "waf_rate_limit" {
  description = "Requests per client IP per 5 minutes before WAF blocks it."
  type        = number
  default     = 2000
}

variable "log_retention_days" {
  description = "Retention of the application log group in days."
  type        = number
  default     = 30
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic."
  type        = list(string)
  default     = []
}

variable "monitoring_cidr_blocks" {
  description = "CIDR blocks allowed to scrape the admin/metrics port 9090 (default none)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Extra tags merged into the provider default_tags."
  type        = map(string)
  default     = {}
}
