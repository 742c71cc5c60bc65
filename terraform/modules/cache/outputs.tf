output "replication_group_id" {
  description = "ID of the ElastiCache replication group."
  value       = aws_elasticache_replication_group.this.id
}

output "member_cluster_ids" {
  description = "Node (cache cluster) IDs of the replication group, for per-node CloudWatch alarms (CacheClusterId dimension)."
  value       = local.member_cluster_ids
}

output "primary_endpoint_address" {
  description = "Primary endpoint (follows the primary on failover); use with TLS (rediss://)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "reader_endpoint_address" {
  description = "Reader endpoint spread over the replicas."
  value       = aws_elasticache_replication_group.this.reader_endpoint_address
}

output "port" {
  description = "Redis port."
  value       = local.port
}

output "auth_token_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the AUTH token as a plain string (for a secondary: the replica of the primary's secret in this region, as passed in)."
  value       = var.role == "secondary" ? var.auth_token_secret_arn : one(aws_secretsmanager_secret.auth[*].arn)
}

output "auth_token_secret_replica_arns" {
  description = "ARN of the AUTH token secret's replica in each region of secret_replica_regions (the same ARN with that region)."
  value = {
    for r in var.secret_replica_regions : r => join(":", [for i, part in split(":", one(aws_secretsmanager_secret.auth[*].arn)) : i == 3 ? r : part])
  }
}

output "auth_token" {
  description = "The AUTH token (for a Global Datastore secondary, which must use the primary's)."
  value       = var.role == "secondary" ? var.auth_token : one(aws_secretsmanager_secret_version.auth[*].secret_string)
  sensitive   = true
}

output "global_replication_group_id" {
  description = "ID of the Global Datastore this group is the primary of (global_datastore = true) or a secondary of; null otherwise."
  value       = var.role == "secondary" ? var.global_replication_group_id : one(aws_elasticache_global_replication_group.this[*].global_replication_group_id)
}

output "is_secondary" {
  description = "Whether this replication group is a Global Datastore secondary (read-only until failover-global-replication-group)."
  value       = var.role == "secondary"
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.cache.id
}

output "automatic_failover_enabled" {
  description = "Whether automatic failover to a replica in another AZ is enabled."
  value       = aws_elasticache_replication_group.this.automatic_failover_enabled
}
