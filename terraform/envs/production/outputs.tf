output "alb_dns_name" {
  description = "DNS name of the public ALB (point the service's Route 53 alias here)."
  value       = module.alb.alb_dns_name
}

output "alb_zone_id" {
  description = "Hosted zone ID of the ALB for Route 53 alias records."
  value       = module.alb.alb_zone_id
}

output "autoscaling_group_name" {
  description = "Name of the application Auto Scaling group (instance refresh target)."
  value       = module.app.autoscaling_group_name
}

output "ami_id" {
  description = "AMI the launch template currently runs."
  value       = module.app.ami_id
}

output "ssm_parameter_prefix" {
  description = "SSM path holding the instance configuration."
  value       = module.app.ssm_parameter_prefix
}

output "ssm_parameter_names" {
  description = "SSM parameters written for the instances."
  value       = module.app.ssm_parameter_names
}

output "db_address" {
  description = "PostgreSQL endpoint."
  value       = module.database.address
}

output "db_master_secret_arn" {
  description = "Secrets Manager ARN of the RDS-managed master credentials."
  value       = module.database.master_user_secret_arn
}

output "redis_primary_endpoint" {
  description = "Redis primary endpoint (TLS)."
  value       = module.cache.primary_endpoint_address
}

output "redis_auth_secret_arn" {
  description = "Secrets Manager ARN of the Redis AUTH token."
  value       = module.cache.auth_token_secret_arn
}

output "alarm_topic_arn" {
  description = "SNS topic of all alarms."
  value       = module.observability.alarm_topic_arn
}

output "rollback_alarm_names" {
  description = "Alarms that roll back an instance refresh."
  value       = module.observability.rollback_alarm_names
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the environment."
  value       = module.observability.dashboard_name
}

output "private_subnet_azs" {
  description = "Availability Zone of each private (app) subnet."
  value       = module.network.private_subnet_azs
}

output "app_subnet_count" {
  description = "Number of private subnets the Auto Scaling group spans."
  value       = module.app.subnet_count
}

output "nat_gateway_count" {
  description = "Number of NAT gateways."
  value       = module.network.nat_gateway_count
}

output "web_acl_arn" {
  description = "WAF web ACL on the ALB."
  value       = module.alb.web_acl_arn
}

output "app_version" {
  description = "Application version of the running AMI (as passed by scripts/release)."
  value       = var.app_version
}

# --------------------------------------------------- regional failover ----
# What a failover script needs: promote the replica, fail the Global Datastore over to the
# standby's group, scale the standby ASG up.

output "primary_region" {
  description = "Region of the primary stack."
  value       = var.region
}

output "standby_region" {
  description = "Region of the warm standby (--region / --primary-region of the failover commands)."
  value       = var.standby_region
}

output "primary_asg_name" {
  description = "Auto Scaling group of the primary region."
  value       = module.app.autoscaling_group_name
}

output "primary_db_instance_identifier" {
  description = "RDS instance identifier of the primary database (primary region)."
  value       = module.database.instance_identifier
}

output "primary_db_instance_arn" {
  description = "ARN of the primary database (the replica's replicate_source_db)."
  value       = module.database.instance_arn
}

output "primary_replication_group_id" {
  description = "Redis replication group of the primary region (the Global Datastore's primary member)."
  value       = module.cache.replication_group_id
}

output "standby_asg_name" {
  description = "Auto Scaling group of the standby region (aws autoscaling update-auto-scaling-group --region <standby_region>)."
  value       = module.standby_app.autoscaling_group_name
}

output "standby_ami_id" {
  description = "AMI the standby launch template runs (the primary's image, copied to standby_region)."
  value       = module.standby_app.ami_id
}

output "standby_alb_dns_name" {
  description = "DNS name of the standby region's ALB (the SECONDARY failover record's alias)."
  value       = module.standby_alb.alb_dns_name
}

output "standby_db_instance_identifier" {
  description = "Identifier of the cross-region read replica (aws rds promote-read-replica --db-instance-identifier <this> --region <standby_region>)."
  value       = module.standby_database.instance_identifier
}

output "standby_db_instance_arn" {
  description = "ARN of the cross-region read replica."
  value       = module.standby_database.instance_arn
}

output "standby_db_address" {
  description = "Endpoint of the standby replica (what the standby instances use)."
  value       = module.standby_database.address
}

output "global_replication_group_id" {
  description = "ID of the Redis Global Datastore (aws elasticache failover-global-replication-group --global-replication-group-id <this>)."
  value       = module.cache.global_replication_group_id
}

output "standby_replication_group_id" {
  description = "Redis replication group of the standby region, the Global Datastore's secondary (--primary-replication-group-id on failover)."
  value       = module.standby_cache.replication_group_id
}

output "standby_redis_primary_endpoint" {
  description = "Primary endpoint of the standby Redis group (read-only until the Global Datastore fails over to it)."
  value       = module.standby_cache.primary_endpoint_address
}

output "route53_health_check_ids" {
  description = "Route 53 health checks of the failover records (primary: /health/region?writable=true, standby: /health/region)."
  value       = { primary = aws_route53_health_check.primary.id, standby = aws_route53_health_check.standby.id }
}

output "dns_record_name" {
  description = "The API host name served by the failover record pair."
  value       = var.dns_record_name
}

# Everything scripts/region needs for a failover and a failback, in one document
# (`terraform output -json region_failover`): both regions' parts, and what re-creating a
# replica in either region takes.
output "region_failover" {
  description = "Both regions' databases, caches, ASGs and failover records, for scripts/region (failover, failback, status)."
  value = {
    hosted_zone_id                  = var.dns_zone_id
    record_name                     = var.dns_record_name
    route53_api_region              = "us-east-1" # Route 53's control plane
    global_replication_group_id     = module.cache.global_replication_group_id
    global_replication_group_suffix = module.cache.replication_group_id
    primary = {
      region                   = var.region
      db_instance_identifier   = module.database.instance_identifier
      db_instance_class        = var.db_instance_class
      db_subnet_group_name     = "${local.name}-db"
      db_security_group_ids    = [module.database.security_group_id]
      db_parameter_group_name  = module.database.parameter_group_name
      db_secret_arn            = module.database.master_user_secret_arn
      kms_key_arn              = module.database.kms_key_arn
      multi_az                 = module.database.multi_az
      backup_retention_days    = var.db_backup_retention_days
      replication_group_id     = module.cache.replication_group_id
      cache_subnet_group_name  = "${local.name}-cache"
      cache_security_group_ids = [module.cache.security_group_id]
      cache_nodes              = var.cache_num_nodes
      asg_name                 = module.app.autoscaling_group_name
      record_set_identifier    = aws_route53_record.primary.set_identifier
      serving_capacity         = { min = var.min_size, desired = var.min_size, max = var.max_size }
      warm_capacity            = { min = var.min_size, desired = var.min_size, max = var.max_size }
    }
    standby = {
      region                   = var.standby_region
      db_instance_identifier   = module.standby_database.instance_identifier
      db_instance_class        = var.standby_db_instance_class
      db_subnet_group_name     = "${local.standby_name}-db"
      db_security_group_ids    = [module.standby_database.security_group_id]
      db_parameter_group_name  = module.standby_database.parameter_group_name
      db_secret_arn            = module.database.master_user_secret_replica_arns[var.standby_region]
      kms_key_arn              = module.standby_database.kms_key_arn
      multi_az                 = module.standby_database.multi_az
      backup_retention_days    = var.db_backup_retention_days
      replication_group_id     = module.standby_cache.replication_group_id
      cache_subnet_group_name  = "${local.standby_name}-cache"
      cache_security_group_ids = [module.standby_cache.security_group_id]
      cache_nodes              = var.cache_num_nodes
      asg_name                 = module.standby_app.autoscaling_group_name
      record_set_identifier    = aws_route53_record.secondary.set_identifier
      serving_capacity         = { min = var.min_size, desired = var.min_size, max = var.max_size }
      warm_capacity            = { min = var.standby_min_size, desired = var.standby_min_size, max = var.standby_max_size }
    }
  }
}
