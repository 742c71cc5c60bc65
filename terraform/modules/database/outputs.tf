output "instance_identifier" {
  description = "RDS instance identifier (CloudWatch DBInstanceIdentifier dimension)."
  value       = aws_db_instance.this.identifier
}

output "instance_arn" {
  description = "ARN of the RDS instance."
  value       = aws_db_instance.this.arn
}

output "address" {
  description = "DNS name of the database endpoint (follows the primary on Multi-AZ failover)."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "PostgreSQL port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Name of the application database."
  value       = aws_db_instance.this.db_name
}

output "master_username" {
  description = "Master user name (the password is in the master user secret)."
  value       = aws_db_instance.this.username
}

output "master_user_secret_arn" {
  description = "ARN of the RDS-managed Secrets Manager secret (JSON with username and password) of the master user."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.db.id
}

output "parameter_group_name" {
  description = "Name of the DB parameter group (rds.force_ssl = 1)."
  value       = aws_db_parameter_group.this.name
}

output "deletion_protection" {
  description = "Whether deletion protection is enabled on the instance."
  value       = aws_db_instance.this.deletion_protection
}

output "multi_az" {
  description = "Whether the instance runs Multi-AZ with a synchronous standby."
  value       = aws_db_instance.this.multi_az
}

output "master_password_rotation_schedule" {
  description = "Schedule expression of the master secret's rotation."
  value       = aws_secretsmanager_secret_rotation.master.rotation_rules[0].schedule_expression
}

output "final_snapshot_identifier" {
  description = "Name of the snapshot taken when the instance is destroyed (unique per instance)."
  value       = aws_db_instance.this.final_snapshot_identifier
}
