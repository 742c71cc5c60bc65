data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # The CloudWatch agent publishes the app metrics with ClusterName = conduit-<environment>, also
  # in a standby region (whose resources are named differently).
  metrics_cluster_name = coalesce(var.metrics_cluster_name, var.name)

  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  actions    = [aws_sns_topic.alarms.arn]

  alb_dims = { LoadBalancer = var.alb_arn_suffix }
  tg_dims  = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  db_dims  = { DBInstanceIdentifier = var.db_instance_identifier }
}

# ------------------------------------------------------------ log group -----

resource "aws_cloudwatch_log_group" "app" {
  name              = "/conduit/${var.environment}/app"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# The systemd journal of the instances (JVM stderr, boot-step and agent errors), shipped by
# the CloudWatch agent from the file conduit-journal.service follows (ansible
# conduit_observability): the agent configuration names it "<app log group>/journal".
resource "aws_cloudwatch_log_group" "journal" {
  name              = "/conduit/${var.environment}/app/journal"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# ------------------------------------------------------------ SNS topic -----

# CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed
# aws/sns key, so the topic gets its own key that CloudWatch may use.
data "aws_iam_policy_document" "alarms_key" {
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "alarms" {
  description             = "${var.name} alarm topic encryption"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.alarms_key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "alarms" {
  name          = "alias/${var.name}-alarms"
  target_key_id = aws_kms_key.alarms.key_id
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.alarms.arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# --------------------------------------------------------- ALB / targets ----

resource "aws_cloudwatch_metric_alarm" "elb_5xx" {
  alarm_name          = "${var.name}-alb-5xx"
  alarm_description   = "ALB-generated 5xx (no healthy target, timeouts) above ${var.thresholds.elb_5xx_per_minute}/min."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_5XX_Count"
  dimensions          = local.alb_dims
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = var.thresholds.elb_5xx_per_minute
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# Also drives the instance-refresh rollback.
resource "aws_cloudwatch_metric_alarm" "target_5xx" {
  alarm_name          = "${var.name}-target-5xx"
  alarm_description   = "Application 5xx above ${var.thresholds.target_5xx_per_minute}/min. Rolls back a running instance refresh."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  dimensions          = local.tg_dims
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = var.thresholds.target_5xx_per_minute
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "p99_latency" {
  alarm_name          = "${var.name}-p99-latency"
  alarm_description   = "p99 target response time above ${var.thresholds.p99_latency_seconds}s."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = local.tg_dims
  extended_statistic  = "p99"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.thresholds.p99_latency_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# Also drives the instance-refresh rollback.
resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  alarm_name          = "${var.name}-unhealthy-hosts"
  alarm_description   = "Targets failing /health/ready. Rolls back a running instance refresh."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = local.tg_dims
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = var.thresholds.unhealthy_hosts
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# ------------------------------------------------------ instances / app -----

# Fewer instances in service than the ASG minimum (launch failures, AZ loss, a refresh stuck).
resource "aws_cloudwatch_metric_alarm" "in_service_below_min" {
  alarm_name          = "${var.name}-in-service-below-min"
  alarm_description   = "Fewer than ${var.asg_min_size} (the ASG minimum) instances in service for 5 minutes."
  namespace           = "AWS/AutoScaling"
  metric_name         = "GroupInServiceInstances"
  dimensions          = { AutoScalingGroupName = var.autoscaling_group_name }
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  threshold           = var.asg_min_size
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# Requests waiting for a PostgreSQL connection: the Hikari pool is saturated. The CloudWatch
# agent publishes hikaricp_connections_pending (Prometheus, admin port) in the app namespace
# with ClusterName = <name>.
resource "aws_cloudwatch_metric_alarm" "db_pool_saturated" {
  alarm_name          = "${var.name}-db-pool-saturated"
  alarm_description   = "Threads waiting for a database connection (Hikari pending) above ${var.thresholds.db_pool_pending} for 5 minutes."
  namespace           = var.metrics_namespace
  metric_name         = "hikaricp_connections_pending"
  dimensions          = { ClusterName = local.metrics_cluster_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.thresholds.db_pool_pending
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# Age of the oldest undelivered outbox event (outbox_lag_seconds): deliveries are stuck.
resource "aws_cloudwatch_metric_alarm" "outbox_age" {
  alarm_name          = "${var.name}-outbox-age"
  alarm_description   = "Oldest undelivered outbox event older than ${var.thresholds.outbox_age_seconds}s."
  namespace           = var.metrics_namespace
  metric_name         = "outbox_lag_seconds"
  dimensions          = { ClusterName = local.metrics_cluster_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.thresholds.outbox_age_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# ------------------------------------------------------------------ RDS -----

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name          = "${var.name}-db-cpu"
  alarm_description   = "RDS CPU above ${var.thresholds.db_cpu_percent}%."
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = local.db_dims
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.thresholds.db_cpu_percent
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# A cross-region read replica: how far it is behind its source is the data a regional failover
# would lose (the RPO in docs/operations.md), so a lag above the threshold pages before a loss.
resource "aws_cloudwatch_metric_alarm" "db_replica_lag" {
  count               = var.db_replica_lag_alarm_seconds == null ? 0 : 1
  alarm_name          = "${var.name}-db-replica-lag"
  alarm_description   = "Read replica more than ${coalesce(var.db_replica_lag_alarm_seconds, 0)} s behind its source for 3 minutes: a regional failover now would lose that much."
  namespace           = "AWS/RDS"
  metric_name         = "ReplicaLag"
  dimensions          = local.db_dims
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  threshold           = coalesce(var.db_replica_lag_alarm_seconds, 0)
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching" # a replica that reports nothing is not replicating
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "db_connections" {
  alarm_name          = "${var.name}-db-connections"
  alarm_description   = "RDS connections above ${var.thresholds.db_connections}."
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  dimensions          = local.db_dims
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.thresholds.db_connections
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "db_free_storage" {
  alarm_name          = "${var.name}-db-free-storage"
  alarm_description   = "RDS free storage below 10% of the allocated ${var.db_allocated_storage_gib} GiB."
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = local.db_dims
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.db_allocated_storage_gib * 1024 * 1024 * 1024 / 10
  comparison_operator = "LessThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# ----------------------------------------------------------- ElastiCache ----

resource "aws_cloudwatch_metric_alarm" "cache_cpu" {
  count = length(var.cache_cluster_ids)

  alarm_name          = "${var.name}-cache-cpu-${count.index + 1}"
  alarm_description   = "Redis engine CPU of ${var.cache_cluster_ids[count.index]} above ${var.thresholds.cache_engine_cpu_percent}%."
  namespace           = "AWS/ElastiCache"
  metric_name         = "EngineCPUUtilization"
  dimensions          = { CacheClusterId = var.cache_cluster_ids[count.index] }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.thresholds.cache_engine_cpu_percent
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "cache_memory" {
  count = length(var.cache_cluster_ids)

  alarm_name          = "${var.name}-cache-memory-${count.index + 1}"
  alarm_description   = "Redis memory of ${var.cache_cluster_ids[count.index]} above ${var.thresholds.cache_memory_usage_percent}%."
  namespace           = "AWS/ElastiCache"
  metric_name         = "DatabaseMemoryUsagePercentage"
  dimensions          = { CacheClusterId = var.cache_cluster_ids[count.index] }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.thresholds.cache_memory_usage_percent
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "cache_evictions" {
  count = length(var.cache_cluster_ids)

  alarm_name          = "${var.name}-cache-evictions-${count.index + 1}"
  alarm_description   = "Redis evictions on ${var.cache_cluster_ids[count.index]} above ${var.thresholds.cache_evictions_per_minute}/min (sessions being dropped)."
  namespace           = "AWS/ElastiCache"
  metric_name         = "Evictions"
  dimensions          = { CacheClusterId = var.cache_cluster_ids[count.index] }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.thresholds.cache_evictions_per_minute
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# ------------------------------------------------------------ dashboard -----

locals {
  cache_metric = { for m in ["EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "Evictions"] :
    m => [for id in var.cache_cluster_ids : ["AWS/ElastiCache", m, "CacheClusterId", id]]
  }

  widgets = [
    { title = "Requests and 5xx", stat = "Sum", metrics = [
      ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.alb_arn_suffix],
      ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", var.alb_arn_suffix],
      ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.target_group_arn_suffix],
    ] },
    { title = "Target response time p99 (s)", stat = "p99", metrics = [
      ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.target_group_arn_suffix],
    ] },
    { title = "Healthy / unhealthy targets", stat = "Maximum", metrics = [
      ["AWS/ApplicationELB", "HealthyHostCount", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.target_group_arn_suffix],
      ["AWS/ApplicationELB", "UnHealthyHostCount", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.target_group_arn_suffix],
    ] },
    { title = "Auto Scaling group", stat = "Average", metrics = [
      ["AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", var.autoscaling_group_name],
      ["AWS/AutoScaling", "GroupDesiredCapacity", "AutoScalingGroupName", var.autoscaling_group_name],
      ["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", var.autoscaling_group_name],
    ] },
    { title = "RDS CPU / connections", stat = "Average", metrics = [
      ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", var.db_instance_identifier],
      ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", var.db_instance_identifier],
    ] },
    { title = "RDS free storage (bytes)", stat = "Minimum", metrics = [
      ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", var.db_instance_identifier],
    ] },
    { title = "Redis engine CPU / memory %", stat = "Average", metrics = concat(
      local.cache_metric["EngineCPUUtilization"], local.cache_metric["DatabaseMemoryUsagePercentage"]
    ) },
    { title = "Redis evictions", stat = "Sum", metrics = local.cache_metric["Evictions"] },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [for i, w in local.widgets : {
      type   = "metric"
      x      = (i % 2) * 12
      y      = floor(i / 2) * 6
      width  = 12
      height = 6
      properties = {
        title   = w.title
        region  = local.region
        stat    = w.stat
        period  = 60
        view    = "timeSeries"
        metrics = w.metrics
      }
    }]
  })
}
