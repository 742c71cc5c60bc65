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
