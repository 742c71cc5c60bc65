variable "environment" {
  description = "Environment name; this root configuration only deploys production."
  type        = string
  default     = "production"

  validation {
    condition     = var.environment == "production"
    error_message = "This root configuration deploys the production environment only (environment = \"production\")."
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
    error_message = "Production needs at least 3 distinct Availability Zones of the selected region."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.20.0.0/16"
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
  default     = "m7i.large"
}

variable "min_size" {
  description = "Minimum number of application instances (one per AZ at least)."
  type        = number
  default     = 3

  validation {
    condition     = var.min_size >= 3
    error_message = "Production keeps at least one instance per AZ (min_size >= 3)."
  }
}

variable "max_size" {
  description = "Maximum number of application instances."
  type        = number
  default     = 12
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.m7g.large"
}

variable "db_allocated_storage" {
  description = "Initial RDS storage in GiB."
  type        = number
  default     = 100
}

variable "db_max_allocated_storage" {
  description = "RDS storage autoscaling ceiling in GiB."
  type        = number
  default     = 500
}

variable "db_backup_retention_days" {
  description = "Days of automated RDS backups / point-in-time recovery."
  type        = number
  default     = 14
}

variable "cache_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.m7g.large"
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

variable "waf_rate_limit" {
  description = "Requests per client IP per 5 minutes before WAF blocks it."
  type        = number
  default     = 2000
}

variable "log_retention_days" {
  description = "Retention of the application log group in days."
  type        = number
  default     = 90
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (at least one in production; account specific: account.auto.tfvars)."
  type        = list(string)

  validation {
    condition     = length(var.alarm_emails) >= 1
    error_message = "Production alarms must reach someone: alarm_emails needs at least one address."
  }
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

# ------------------------------------------------------- standby region ----

variable "standby_region" {
  description = "AWS region of the warm standby (a smaller ASG, a cross-region read replica, a Redis Global Datastore secondary, its own ALB). Must differ from region."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.standby_region)) && var.standby_region != var.region
    error_message = "standby_region must be an AWS region name other than region (e.g. eu-central-1 next to eu-west-1)."
  }
}

variable "standby_azs" {
  description = "Three (or more) Availability Zones of the standby region."
  type        = list(string)

  validation {
    condition     = length(var.standby_azs) >= 3 && length(distinct(var.standby_azs)) == length(var.standby_azs) && alltrue([for az in var.standby_azs : startswith(az, var.standby_region)])
    error_message = "standby_azs must list at least 3 distinct Availability Zones of standby_region."
  }
}

variable "standby_vpc_cidr" {
  description = "IPv4 CIDR block of the standby region's VPC (kept apart from vpc_cidr so the two can be peered)."
  type        = string
  default     = "10.21.0.0/16"
}

variable "standby_certificate_arn" {
  description = "ACM certificate ARN for the API host name in the standby region (ACM certificates are regional). Account specific: account.auto.tfvars."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:${var.standby_region}:[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.standby_certificate_arn)) && !can(regex(":111111111111:|:123456789012:|/00000000-0000-0000-0000-000000000000$", var.standby_certificate_arn))
    error_message = "standby_certificate_arn must be the ARN of your issued ACM certificate in standby_region (arn:aws:acm:<standby_region>:<account>:certificate/<uuid>), not a placeholder."
  }
}

variable "standby_ami_id" {
  description = "The same image as ami_id, copied to the standby region by the Packer build (ami_regions); its id there, from the manifest. Passed by scripts/release; never committed."
  type        = string

  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.standby_ami_id))
    error_message = "standby_ami_id must be an AMI id (ami-0123456789abcdef0) from the Packer manifest: scripts/release passes it."
  }
}

variable "standby_min_size" {
  description = "Minimum (warm) number of instances in the standby region; the failover scales it up."
  type        = number
  default     = 2

  validation {
    condition     = var.standby_min_size >= 2
    error_message = "The standby keeps at least 2 instances (two AZs) warm."
  }
}

variable "standby_max_size" {
  description = "Maximum number of instances in the standby region (room to take the whole load after a failover)."
  type        = number
  default     = 12
}

variable "standby_db_instance_class" {
  description = "Instance class of the standby read replica (it becomes the primary on failover: keep it the primary's size)."
  type        = string
  default     = "db.m7g.large"
}

variable "dns_zone_id" {
  description = "Route 53 hosted zone ID holding the API record (account specific: account.auto.tfvars)."
  type        = string

  validation {
    condition     = can(regex("^Z[A-Z0-9]{1,31}$", var.dns_zone_id))
    error_message = "dns_zone_id must be a Route 53 hosted zone ID (Z...)."
  }
}

variable "dns_record_name" {
  description = "Fully qualified API host name (e.g. api.example.org): a PRIMARY/SECONDARY failover pair of alias records to the two regions' ALBs. The ACM certificates must cover it."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}\\.?$", var.dns_record_name))
    error_message = "dns_record_name must be a lower-case fully qualified host name such as api.example.org."
  }
}
