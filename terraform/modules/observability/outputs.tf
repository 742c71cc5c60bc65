output "alarm_topic_arn" {
  description = "ARN of the (KMS-encrypted) SNS topic receiving all alarms."
  value       = aws_sns_topic.alarms.arn
}

output "log_group_name" {
  description = "Name of the application log group (/conduit/<environment>/app)."
  value       = aws_cloudwatch_log_group.app.name
}

output "log_group_arn" {
  description = "ARN of the application log group."
  value       = aws_cloudwatch_log_group.app.arn
}

output "rollback_alarm_names" {
  description = "Alarms that stop and roll back an instance refresh: target 5xx and unhealthy hosts."
  value = [
    aws_cloudwatch_metric_alarm.target_5xx.alarm_name,
    aws_cloudwatch_metric_alarm.unhealthy_hosts.alarm_name,
  ]
}

output "alarm_names" {
  description = "Names of every alarm of this module."
  value = concat(
    [
      aws_cloudwatch_metric_alarm.elb_5xx.alarm_name,
      aws_cloudwatch_metric_alarm.target_5xx.alarm_name,
      aws_cloudwatch_metric_alarm.p99_latency.alarm_name,
      aws_cloudwatch_metric_alarm.unhealthy_hosts.alarm_name,
      aws_cloudwatch_metric_alarm.db_cpu.alarm_name,
      aws_cloudwatch_metric_alarm.db_connections.alarm_name,
      aws_cloudwatch_metric_alarm.db_free_storage.alarm_name,
    ],
    aws_cloudwatch_metric_alarm.cache_cpu[*].alarm_name,
    aws_cloudwatch_metric_alarm.cache_memory[*].alarm_name,
    aws_cloudwatch_metric_alarm.cache_evictions[*].alarm_name,
  )
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "journal_log_group_arn" {
  description = "ARN of the log group receiving the instances' systemd journal."
  value       = aws_cloudwatch_log_group.journal.arn
}

output "journal_log_group_name" {
  description = "Name of the log group receiving the instances' systemd journal."
  value       = aws_cloudwatch_log_group.journal.name
}
