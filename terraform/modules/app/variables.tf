variable "name" {
  description = "Name prefix for every resource of this module (e.g. conduit-staging)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name; selects the SSM parameter prefix /conduit/<environment>/ read by the instances at boot."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lower-case letters or digits, starting with a letter (e.g. staging, production)."
  }
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the Auto Scaling group, one per Availability Zone (at least 3)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 3
    error_message = "The Auto Scaling group must span the private subnets of at least 3 Availability Zones."
  }
}

variable "alb_security_group_id" {
  description = "Security group of the ALB: the only source allowed to reach the app port."
  type        = string
}

variable "target_group_arn" {
  description = "ARN of the ALB target group the instances register with."
  type        = string
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the ALB (for the ALBRequestCountPerTarget scaling metric)."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the target group (for the ALBRequestCountPerTarget scaling metric)."
  type        = string
}

variable "app_version" {
  description = "Application version of the AMI (tags and launch template description only; the AMI is ami_id)."
  type        = string
  default     = null

  validation {
    condition     = var.app_version == null || can(regex("^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$", var.app_version))
    error_message = "app_version must be 1-64 characters of letters, digits, '.', '_', '+' or '-'."
  }
}

variable "ami_id" {
  description = "Immutable AMI ID to launch, from the Packer manifest (scripts/release passes it)."
  type        = string

  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must look like ami-0123456789abcdef0."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the application instances."
  type        = string
  default     = "t3.small"
}

variable "root_device_name" {
  description = "Root device name of the AMI (Debian 12 AMIs use /dev/xvda)."
  type        = string
  default     = "/dev/xvda"
}

variable "root_volume_size" {
  description = "Size of the encrypted gp3 root volume in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.root_volume_size >= 8 && var.root_volume_size <= 1024
    error_message = "root_volume_size must be between 8 and 1024 GiB."
  }
}

variable "ebs_kms_key_arn" {
  description = "KMS key for the root volume; null = the account's default EBS key (aws/ebs)."
  type        = string
  default     = null
}

variable "min_size" {
  description = "Minimum number of instances (at least 2 so that one instance or AZ can fail)."
  type        = number
  default     = 3

  validation {
    condition     = var.min_size >= 2
    error_message = "min_size must be at least 2 for high availability."
  }
}

variable "max_size" {
  description = "Maximum number of instances. Must leave room for the instance refresh (max healthy 200 %) on top of min_size."
  type        = number
  default     = 6

  validation {
    condition     = var.max_size >= var.min_size
    error_message = "max_size must be greater than or equal to min_size."
  }
}

variable "desired_capacity" {
  description = "Initial desired capacity; null = min_size. Afterwards the scaling policies own it (ignored in later plans)."
  type        = number
  default     = null
}

variable "app_port" {
  description = "HTTP port of the application (reachable only from the ALB)."
  type        = number
  default     = 8080
}

variable "admin_port" {
  description = "Admin / metrics port of the application (never reachable from the ALB)."
  type        = number
  default     = 9090

  validation {
    condition     = var.admin_port != var.app_port
    error_message = "admin_port must differ from app_port: the admin port is never exposed through the ALB."
  }
}

variable "monitoring_cidr_blocks" {
  description = "IPv4 CIDR blocks (e.g. a Prometheus subnet) allowed to scrape the admin port. Default: none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.monitoring_cidr_blocks : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "monitoring_cidr_blocks must be valid IPv4 CIDR blocks and never 0.0.0.0/0."
  }
}

variable "health_check_grace_period" {
  description = "Seconds after launch before the ELB health check can mark an instance unhealthy (boot + JVM start)."
  type        = number
  default     = 180
}

variable "instance_warmup" {
  description = "Seconds a new instance needs before it contributes metrics / counts as healthy in an instance refresh."
  type        = number
  default     = 120
}

variable "instance_refresh" {
  description = "Rolling instance refresh preferences. MinHealthy 100 / MaxHealthy 200 launch replacements before terminating old instances."
  type = object({
    min_healthy_percentage = optional(number, 100)
    max_healthy_percentage = optional(number, 200)
    checkpoint_percentages = optional(list(number), [34, 67, 100])
    checkpoint_delay       = optional(number, 300)
  })
  default = {}

  validation {
    condition     = var.instance_refresh.min_healthy_percentage == 100 && var.instance_refresh.max_healthy_percentage >= 110 && var.instance_refresh.max_healthy_percentage <= 200
    error_message = "instance_refresh must keep min_healthy_percentage = 100 (no capacity loss) with max_healthy_percentage in 110..200."
  }

  validation {
    condition     = length(var.instance_refresh.checkpoint_percentages) > 0 && try(var.instance_refresh.checkpoint_percentages[length(var.instance_refresh.checkpoint_percentages) - 1] == 100, false)
    error_message = "instance_refresh.checkpoint_percentages must be non-empty and end with 100."
  }
}

variable "rollback_alarm_names" {
  description = "CloudWatch alarm names that, when in ALARM during an instance refresh, stop it and roll back (e.g. target 5xx, unhealthy hosts)."
  type        = list(string)

  validation {
    condition     = length(var.rollback_alarm_names) >= 1 && length(var.rollback_alarm_names) <= 10
    error_message = "rollback_alarm_names must list 1 to 10 alarm names."
  }
}

variable "cpu_target" {
  description = "Target average CPU utilisation (%) of the CPU target-tracking policy."
  type        = number
  default     = 50

  validation {
    condition     = var.cpu_target > 0 && var.cpu_target < 100
    error_message = "cpu_target must be between 0 and 100."
  }
}

variable "requests_per_target" {
  description = "Target ALB requests per instance per minute of the request-count target-tracking policy."
  type        = number
  default     = 1000

  validation {
    condition     = var.requests_per_target > 0
    error_message = "requests_per_target must be positive."
  }
}

variable "secret_arns" {
  description = "Secrets Manager secret ARNs the instances may read (database master secret, Redis AUTH token)."
  type        = list(string)

  validation {
    condition     = length(var.secret_arns) >= 1
    error_message = "secret_arns must list the secrets the instances read at boot."
  }
}

variable "kms_key_arns" {
  description = "Customer-managed KMS keys protecting those secrets (kms:Decrypt via Secrets Manager/SSM only). Empty for AWS-managed keys."
  type        = list(string)
  default     = []
}

variable "journal_log_group_arn" {
  description = "ARN of the CloudWatch log group receiving the instances' systemd journal (null: not shipped)."
  type        = string
  default     = null
}

variable "log_group_arn" {
  description = "ARN of the CloudWatch log group receiving the app's JSON log."
  type        = string
}

variable "log_group_name" {
  description = "Name of the CloudWatch log group receiving the app's JSON log (written to bootstrap.env)."
  type        = string
}

variable "metrics_namespace" {
  description = "CloudWatch namespace the CloudWatch agent publishes the app metrics to (PutMetricData is limited to it and CWAgent)."
  type        = string
  default     = "Conduit"
}

variable "config_parameters" {
  description = "Non-secret settings written as SSM String parameters /conduit/<environment>/<key> (e.g. db_host). Secrets are referenced by ARN, never stored here."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.config_parameters) : can(regex("^[a-z][a-z0-9_]{0,62}$", k))])
    error_message = "config_parameters keys must be lower-case snake_case names."
  }
}

variable "instance_tags" {
  description = "Tags propagated by the Auto Scaling group to the instances (provider default_tags do not reach ASG instances)."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Extra tags for the resources of this module."
  type        = map(string)
  default     = {}
}
