output "autoscaling_group_name" {
  description = "Name of the application Auto Scaling group."
  value       = aws_autoscaling_group.app.name
}

output "autoscaling_group_arn" {
  description = "ARN of the application Auto Scaling group."
  value       = aws_autoscaling_group.app.arn
}

output "launch_template_id" {
  description = "ID of the launch template."
  value       = aws_launch_template.app.id
}

output "launch_template_latest_version" {
  description = "Launch template version the Auto Scaling group is pinned to."
  value       = aws_launch_template.app.latest_version
}

output "ami_id" {
  description = "AMI launched by the launch template (the immutable id passed in ami_id)."
  value       = local.ami_id
}

output "security_group_id" {
  description = "Security group of the application instances (source for the database and cache rules)."
  value       = aws_security_group.app.id
}

output "iam_role_name" {
  description = "Name of the instance IAM role."
  value       = aws_iam_role.app.name
}

output "iam_role_arn" {
  description = "ARN of the instance IAM role."
  value       = aws_iam_role.app.arn
}

output "ssm_parameter_prefix" {
  description = "SSM parameter path the instances read at boot (/conduit/<environment>)."
  value       = local.ssm_prefix
}

output "ssm_parameter_names" {
  description = "Full names of the SSM parameters written for the instances."
  value       = sort([for p in aws_ssm_parameter.config : p.name])
}

output "subnet_count" {
  description = "Number of private subnets (one per AZ) the Auto Scaling group spans."
  value       = length(aws_autoscaling_group.app.vpc_zone_identifier)
}
