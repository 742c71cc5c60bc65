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
  description = "ACM certificate ARN of the public HTTPS listener. Account specific: not committed; put it in terraform/envs/<env>/account.auto.tfvars (git-ignored) or pass -var. The committed placeholder is rejected."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.certificate_arn)) && !can(regex(":111111111111:|:123456789012:|/00000000-0000-0000-0000-000000000000$", var.certificate_arn))
    error_message = "certificate_arn must be the ARN of your issued ACM certificate (arn:aws:acm:<region>:<account>:certificate/<uuid>), not the documentation placeholder."
  }
}

variable "app_version" {
  description = "Application version of the AMI (tags only). Passed by scripts/release from the Packer manifest; never committed."
  type        = string
  default     = null
}

variable "ami_id" {
  description = "Immutable AMI id to run, from the Packer manifest. Passed by scripts/release (or scripts/release apply, which keeps the running one); never committed in tfvars."
  type        = string

  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must be an AMI id (ami-0123456789abcdef0) from the Packer manifest: scripts/release passes it."
  }
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
