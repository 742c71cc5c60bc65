mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                     = "conduit-test"
  environment              = "test"
  alb_arn_suffix           = "app/conduit-test/0123456789abcdef"
  target_group_arn_suffix  = "targetgroup/conduit-test-app/0123456789abcdef"
  autoscaling_group_name   = "conduit-test-app"
  db_instance_identifier   = "conduit-test-db"
  db_allocated_storage_gib = 20
  cache_cluster_ids        = ["conduit-test-redis-001", "conduit-test-redis-002"]
  asg_min_size             = 3
}

run "alarms" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.elb_5xx.metric_name == "HTTPCode_ELB_5XX_Count" &&
      aws_cloudwatch_metric_alarm.target_5xx.metric_name == "HTTPCode_Target_5XX_Count" &&
      aws_cloudwatch_metric_alarm.unhealthy_hosts.metric_name == "UnHealthyHostCount" &&
      aws_cloudwatch_metric_alarm.p99_latency.metric_name == "TargetResponseTime" &&
      aws_cloudwatch_metric_alarm.p99_latency.extended_statistic == "p99"
    )
    error_message = "ALB alarms: ELB 5xx, target 5xx, unhealthy hosts, p99 latency."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.target_5xx.dimensions["TargetGroup"] == "targetgroup/conduit-test-app/0123456789abcdef" && aws_cloudwatch_metric_alarm.elb_5xx.dimensions["LoadBalancer"] == "app/conduit-test/0123456789abcdef"
    error_message = "ALB alarms use the load balancer / target group dimensions."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.db_cpu.metric_name == "CPUUtilization" &&
      aws_cloudwatch_metric_alarm.db_connections.metric_name == "DatabaseConnections" &&
      aws_cloudwatch_metric_alarm.db_free_storage.metric_name == "FreeStorageSpace" &&
      aws_cloudwatch_metric_alarm.db_free_storage.threshold == 20 * 1024 * 1024 * 1024 / 10
    )
    error_message = "RDS alarms: CPU, connections, free storage (10 % of allocated)."
  }

  assert {
    condition = (
      length(aws_cloudwatch_metric_alarm.cache_cpu) == 2 &&
      length(aws_cloudwatch_metric_alarm.cache_cpu) == 2 && length(aws_cloudwatch_metric_alarm.cache_memory) == 2 && length(aws_cloudwatch_metric_alarm.cache_evictions) == 2 &&
      alltrue([for a in aws_cloudwatch_metric_alarm.cache_cpu : a.metric_name == "EngineCPUUtilization"]) &&
      alltrue([for a in aws_cloudwatch_metric_alarm.cache_memory : a.metric_name == "DatabaseMemoryUsagePercentage"]) &&
      alltrue([for a in aws_cloudwatch_metric_alarm.cache_evictions : a.metric_name == "Evictions"]) &&
      aws_cloudwatch_metric_alarm.cache_cpu[1].dimensions["CacheClusterId"] == "conduit-test-redis-002"
    )
    error_message = "Cache alarms per node: engine CPU, memory, evictions."
  }

  assert {
    condition     = output.rollback_alarm_names == ["conduit-test-target-5xx", "conduit-test-unhealthy-hosts"]
    error_message = "The rollback alarms are the target 5xx and unhealthy-host alarms."
  }

  assert {
    condition     = alltrue([for a in [aws_cloudwatch_metric_alarm.target_5xx, aws_cloudwatch_metric_alarm.db_cpu] : contains(tolist(a.alarm_actions), aws_sns_topic.alarms.arn)])
    error_message = "Alarms notify the SNS topic."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == aws_kms_key.alarms.arn && aws_kms_key.alarms.enable_key_rotation
    error_message = "The SNS topic is encrypted with a rotating customer-managed key."
  }

  assert {
    condition     = aws_cloudwatch_log_group.app.name == "/conduit/test/app" && aws_cloudwatch_log_group.app.retention_in_days == 30
    error_message = "The app log group is /conduit/<environment>/app with a retention."
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 8
    error_message = "The dashboard renders all widgets."
  }
}

run "instance_pool_outbox_alarms_and_journal" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.in_service_below_min.namespace == "AWS/AutoScaling" &&
      aws_cloudwatch_metric_alarm.in_service_below_min.metric_name == "GroupInServiceInstances" &&
      aws_cloudwatch_metric_alarm.in_service_below_min.dimensions["AutoScalingGroupName"] == "conduit-test-app" &&
      aws_cloudwatch_metric_alarm.in_service_below_min.threshold == 3 &&
      aws_cloudwatch_metric_alarm.in_service_below_min.comparison_operator == "LessThanThreshold"
    )
    error_message = "An alarm fires when fewer instances than the ASG minimum (3) are in service."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.db_pool_saturated.namespace == "Conduit" &&
      aws_cloudwatch_metric_alarm.db_pool_saturated.metric_name == "hikaricp_connections_pending" &&
      aws_cloudwatch_metric_alarm.db_pool_saturated.dimensions["ClusterName"] == "conduit-test" &&
      aws_cloudwatch_metric_alarm.outbox_age.metric_name == "outbox_lag_seconds" &&
      aws_cloudwatch_metric_alarm.outbox_age.threshold == 300
    )
    error_message = "Alarms on Hikari pending connections and outbox age, on the metrics the CloudWatch agent ships."
  }

  assert {
    condition     = aws_cloudwatch_log_group.journal.name == "/conduit/test/app/journal"
    error_message = "The instances' journal has its log group next to the app log."
  }
}

run "rejects_no_subscriber_when_required" {
  command = plan

  variables {
    require_alarm_subscriber = true
    alarm_emails             = []
  }

  expect_failures = [var.alarm_emails]
}

run "rejects_bad_retention" {
  command = plan

  variables {
    log_retention_days = 31
  }

  expect_failures = [var.log_retention_days]
}
