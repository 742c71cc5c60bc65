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
  description = "ARN of the Secrets Manager secret holding the AUTH token as a plain string."
  value       = aws_secretsmanager_secret.auth.arn
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.cache.id
}

output "automatic_failover_enabled" {
  description = "Whether automatic failover to a replica in another AZ is enabled."
  value       = aws_elasticache_replication_group.this.automatic_failover_enabled
}
