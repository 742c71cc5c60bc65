variable "name" {
  description = "Name prefix for every resource of this module (e.g. conduit-staging). The replication group id is <name>-redis (max 40 characters)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,33}$", var.name))
    error_message = "name must be 3-34 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Isolated data subnets of the cache subnet group, one per AZ."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Multi-AZ replication needs subnets in at least 2 Availability Zones."
  }
}

variable "azs" {
  description = "Availability Zones of those subnets; the primary and the replicas are placed round-robin over them."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2
    error_message = "azs must list at least 2 Availability Zones."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach Redis, keyed by a static label (e.g. { app = sg-... }). Each also gets an egress rule to the cache."
  type        = map(string)

  validation {
    condition     = length(var.client_security_group_ids) >= 1
    error_message = "At least one client security group (the app) must be allowed."
  }
}

variable "engine" {
  description = "Cache engine: redis or valkey (both speak the Redis protocol)."
  type        = string
  default     = "redis"

  validation {
    condition     = contains(["redis", "valkey"], var.engine)
    error_message = "engine must be redis or valkey."
  }
}

variable "engine_version" {
  description = "Engine version (Redis 7.x or Valkey 7.2/8.x)."
  type        = string
  default     = "7.1"

  validation {
    condition     = can(regex("^(7|8)\\.[0-9]+$", var.engine_version))
    error_message = "engine_version must be 7.x or 8.x (e.g. 7.1)."
  }
}

variable "node_type" {
  description = "Cache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "num_cache_clusters" {
  description = "Number of nodes (1 primary + replicas). At least 2 for automatic failover to another AZ."
  type        = number
  default     = 2

  validation {
    condition     = var.num_cache_clusters >= 2 && var.num_cache_clusters <= 6
    error_message = "num_cache_clusters must be between 2 and 6 (a replica in another AZ is required for failover)."
  }
}

variable "snapshot_retention_limit" {
  description = "Days of automatic snapshots to keep (0 disables them)."
  type        = number
  default     = 7

  validation {
    condition     = var.snapshot_retention_limit >= 0 && var.snapshot_retention_limit <= 35
    error_message = "snapshot_retention_limit must be between 0 and 35."
  }
}

variable "snapshot_window" {
  description = "Daily UTC snapshot window (hh24:mi-hh24:mi)."
  type        = string
  default     = "01:00-02:00"
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:04:30-sun:05:30"
}

variable "kms_key_arn" {
  description = "KMS key for at-rest encryption and the AUTH token secret; null = AWS-managed keys."
  type        = string
  default     = null
}

variable "secret_recovery_window_days" {
  description = "Recovery window of the AUTH token secret when it is deleted (0 = delete immediately)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
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

variable "global_datastore" {
  description = "Make this replication group the primary of an ElastiCache Global Datastore (a standby region's secondary joins it). Needs a node type Global Datastore supports (not t-types)."
  type        = bool
  default     = false
}

variable "role" {
  description = "primary: a replication group with its own AUTH token secret (optionally the primary of a Global Datastore, global_datastore). secondary: joins the Global Datastore global_replication_group_id as a read-only secondary; engine, version, node type and encryption come from the datastore, the AUTH token from the primary."
  type        = string
  default     = "primary"

  validation {
    condition     = contains(["primary", "secondary"], var.role)
    error_message = "role must be primary or secondary."
  }
}

variable "global_replication_group_id" {
  description = "role = secondary: the ID of the Global Datastore to join. Must be null for a primary."
  type        = string
  default     = null

  validation {
    condition     = (var.role == "secondary") == (var.global_replication_group_id != null)
    error_message = "global_replication_group_id is required for role = secondary and must be null for role = primary."
  }
}

variable "auth_token" {
  description = "Secondary only: the primary's AUTH token (module output auth_token of the primary)."
  type        = string
  default     = null
  sensitive   = true
}

variable "auth_token_secret_arn" {
  description = "Secondary only: ARN of the AUTH token secret readable in this region (the replica of the primary's secret, output auth_token_secret_replica_arns)."
  type        = string
  default     = null
}

variable "secret_replica_regions" {
  description = "Primary only: other regions that get a read-only replica of the AUTH token secret (the standby region)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.secret_replica_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r))])
    error_message = "secret_replica_regions must be AWS region names such as eu-central-1."
  }
}
