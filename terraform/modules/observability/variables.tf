variable "name" {
  description = "Name prefix for every resource of this module (e.g. conduit-staging)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name; the app log group is /conduit/<environment>/app."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lower-case letters or digits, starting with a letter."
  }
}

variable "log_retention_days" {
  description = "Retention of the application log group in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention value CloudWatch Logs accepts (e.g. 30, 90, 365)."
  }
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be e-mail addresses."
  }

  validation {
    condition     = !var.require_alarm_subscriber || length(var.alarm_emails) >= 1
    error_message = "alarm_emails must name at least one subscriber here: alarms that reach nobody are no alarms."
  }
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the ALB (LoadBalancer dimension)."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the app target group (TargetGroup dimension)."
  type        = string
}

variable "autoscaling_group_name" {
  description = "Name of the app Auto Scaling group (dashboard)."
  type        = string
}

variable "asg_min_size" {
  description = "Minimum size of the app Auto Scaling group: fewer instances in service raise an alarm."
  type        = number

  validation {
    condition     = var.asg_min_size >= 1
    error_message = "asg_min_size must be at least 1."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace the CloudWatch agent publishes the app's Prometheus metrics in (ansible conduit_observability_metrics_namespace)."
  type        = string
  default     = "Conduit"
}

variable "require_alarm_subscriber" {
  description = "Require at least one alarm e-mail subscriber (production: alarms must reach someone)."
  type        = bool
  default     = false
}

variable "db_instance_identifier" {
  description = "RDS instance identifier (DBInstanceIdentifier dimension)."
  type        = string
}

variable "db_replica_lag_alarm_seconds" {
  description = "For a read replica: alarm when its ReplicaLag (seconds) stays above this for 3 minutes; null (a primary) for no alarm."
  type        = number
  default     = null
  validation {
    condition     = var.db_replica_lag_alarm_seconds == null || try(var.db_replica_lag_alarm_seconds > 0 && var.db_replica_lag_alarm_seconds <= 300, false)
    error_message = "db_replica_lag_alarm_seconds must be null or 1-300."
  }
}

variable "db_allocated_storage_gib" {
  description = "Allocated RDS storage in GiB; the free-storage alarm fires below 10 % of it."
  type        = number
}

variable "cache_cluster_ids" {
  description = "ElastiCache node IDs (CacheClusterId dimension), one alarm set per node."
  type        = list(string)
}

variable "thresholds" {
  description = "Alarm thresholds. 5xx counts are per minute; latency in seconds; CPU/memory in percent."
  type = object({
    elb_5xx_per_minute         = optional(number, 10)
    target_5xx_per_minute      = optional(number, 10)
    p99_latency_seconds        = optional(number, 1.5)
    unhealthy_hosts            = optional(number, 1)
    db_cpu_percent             = optional(number, 80)
    db_connections             = optional(number, 300)
    cache_engine_cpu_percent   = optional(number, 80)
    cache_memory_usage_percent = optional(number, 80)
    cache_evictions_per_minute = optional(number, 100)
    db_pool_pending            = optional(number, 0)
    outbox_age_seconds         = optional(number, 300)
  })
  default = {}
}

variable "tags" {
  description = "Extra tags for the resources of this module."
  type        = map(string)
  default     = {}
}

variable "metrics_cluster_name" {
  description = "ClusterName dimension of the app metrics the CloudWatch agent publishes (conduit-<environment>); null = name. A standby region sets it to the environment's name."
  type        = string
  default     = null
}
