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
  description = "ARN of the master user's Secrets Manager secret (JSON with username, password, engine, host, port, dbname); null for a read replica (it uses the source's: master_user_secret_replica_arns of the primary)."
  value       = one(aws_secretsmanager_secret.master[*].arn)
}

output "master_user_secret_replica_arns" {
  description = "ARN of the master secret's replica in each region of secret_replica_regions (the same ARN with that region)."
  value = {
    for r in var.secret_replica_regions : r => join(":", [for i, part in split(":", one(aws_secretsmanager_secret.master[*].arn)) : i == 3 ? r : part])
  }
}

output "rotation_security_group_id" {
  description = "Security group of the master password rotation function (the only source besides the clients admitted on 5432); null for a replica."
  value       = one(aws_security_group.rotation[*].id)
}

output "rotation_function_name" {
  description = "Name of the rotation Lambda (and of its Serverless Application Repository stack); null for a replica."
  value       = local.replica ? null : local.rotation_function
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
  value       = one(aws_secretsmanager_secret_rotation.master[*].rotation_rules[0].schedule_expression)
}

output "final_snapshot_identifier" {
  description = "Name of the snapshot taken when the instance is destroyed (unique per instance)."
  value       = aws_db_instance.this.final_snapshot_identifier
}

output "is_replica" {
  description = "Whether this instance is a cross-region read replica (promote it with aws rds promote-read-replica)."
  value       = local.replica
}

output "replicate_source_db" {
  description = "ARN of the source instance of a read replica (null for a primary)."
  value       = aws_db_instance.this.replicate_source_db
}

output "kms_key_arn" {
  description = "KMS key of the storage encryption (null: the AWS-managed aws/rds key)."
  value       = aws_db_instance.this.kms_key_id
}

output "storage_encrypted" {
  description = "Whether the storage is encrypted."
  value       = aws_db_instance.this.storage_encrypted
}
