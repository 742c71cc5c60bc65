data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

# The AMI is always an immutable id from the Packer manifest (scripts/release), never
# "the newest image with a tag": a rebuilt image of the same version must not ship by itself.

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  ami_id      = var.ami_id
  app_version = coalesce(var.app_version, "unknown")
  asg_name    = "${var.name}-app"
  ssm_prefix  = "/conduit/${var.environment}"

  # Read at boot by the AMI's bootstrap step (ansible role), which resolves the
  # SSM parameters / secrets below the prefix into the service environment.
  bootstrap_env = join("\n", [
    "CONDUIT_ENVIRONMENT=${var.environment}",
    "CONDUIT_SSM_PREFIX=${local.ssm_prefix}",
    "AWS_REGION=${local.region}",
    "AWS_DEFAULT_REGION=${local.region}",
    "CONDUIT_APP_VERSION=${local.app_version}",
    "CONDUIT_LOG_GROUP=${var.log_group_name}",
    "CONDUIT_ASG_NAME=${local.asg_name}",
    "",
  ])

  user_data = join("\n", [
    "#cloud-config",
    yamlencode({
      write_files = [{
        path        = "/etc/conduit/bootstrap.env"
        owner       = "root:root"
        permissions = "0644"
        content     = local.bootstrap_env
      }]
    }),
  ])

  asg_tags = merge(var.instance_tags, {
    Name       = "${var.name}-app"
    AppVersion = local.app_version
  })
}

# ----------------------------------------------------------- security -------

resource "aws_security_group" "app" {
  name        = "${var.name}-app"
  description = "Conduit instances: app port from the ALB only; admin port never from the ALB"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-app" })
}

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = aws_security_group.app.id
  description                  = "App HTTP port from the ALB only"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = var.alb_security_group_id
}

# The ALB may only talk to the app port of the instances (requests + health checks).
resource "aws_vpc_security_group_egress_rule" "alb_to_app" {
  security_group_id            = var.alb_security_group_id
  description                  = "ALB to the app HTTP port"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_vpc_security_group_ingress_rule" "admin_from_monitoring" {
  for_each = toset(var.monitoring_cidr_blocks)

  security_group_id = aws_security_group.app.id
  description       = "Admin/metrics port from the monitoring network"
  ip_protocol       = "tcp"
  from_port         = var.admin_port
  to_port           = var.admin_port
  cidr_ipv4         = each.value
}

# AWS APIs (SSM, Secrets Manager, CloudWatch via endpoints; S3 and others via
# the gateway endpoint / NAT). Database and Redis egress rules are added by the
# database and cache modules towards their own security groups.
resource "aws_vpc_security_group_egress_rule" "app_https" {
  security_group_id = aws_security_group.app.id
  description       = "HTTPS to AWS APIs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# ------------------------------------------------------------------- IAM ----

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  name                 = "${var.name}-app"
  description          = "Conduit application instances"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  max_session_duration = 3600
  tags                 = var.tags
}

# Session Manager (no SSH) and the SSM agent: the agent's own actions only. Not the managed
# AmazonSSMManagedInstanceCore policy, whose ssm:GetParameter(s) on * would let an instance
# read every environment's parameters (/conduit/production/* from staging).

data "aws_iam_policy_document" "app" {
  statement {
    sid = "SsmAgentSessionManager"
    actions = [
      "ssm:UpdateInstanceInformation",
      "ssm:ListInstanceAssociations",
      "ssm:DescribeInstanceProperties",
      "ssm:DescribeDocumentParameters",
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
      "ec2messages:AcknowledgeMessage",
      "ec2messages:DeleteMessage",
      "ec2messages:FailMessage",
      "ec2messages:GetEndpoint",
      "ec2messages:GetMessages",
      "ec2messages:SendReply",
    ]
    resources = ["*"]
  }

  statement {
    sid     = "ReadOwnParameters"
    actions = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
    resources = [
      "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.ssm_prefix}",
      "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.ssm_prefix}/*",
    ]
  }

  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = var.secret_arns
  }

  dynamic "statement" {
    for_each = length(var.kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "DecryptSecretsViaService"
      actions   = ["kms:Decrypt"]
      resources = var.kms_key_arns
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values = [
          "secretsmanager.${local.region}.amazonaws.com",
          "ssm.${local.region}.amazonaws.com",
        ]
      }
    }
  }

  statement {
    sid = "WriteAppLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
    ]
    resources = concat(
      [var.log_group_arn, "${var.log_group_arn}:log-stream:*"],
      var.journal_log_group_arn == null ? [] : [var.journal_log_group_arn, "${var.journal_log_group_arn}:log-stream:*"],
    )
  }

  statement {
    sid       = "PutAppMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metrics_namespace, "CWAgent"]
    }
  }

  statement {
    sid       = "CloudWatchAgentDescribe"
    actions   = ["ec2:DescribeTags", "ec2:DescribeVolumes"]
    resources = ["*"]
  }

}

resource "aws_iam_role_policy" "app" {
  name   = "conduit-runtime"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.app.json
}

resource "aws_iam_instance_profile" "app" {
  name = "${var.name}-app"
  role = aws_iam_role.app.name
  tags = var.tags
}

# ------------------------------------------------------- configuration ------

resource "aws_ssm_parameter" "config" {
  for_each = var.config_parameters

  name        = "${local.ssm_prefix}/${each.key}"
  description = "Conduit ${var.environment}: ${each.key} (read at boot)"
  type        = "String"
  tier        = "Standard"
  value       = each.value
  tags        = var.tags
}

# ------------------------------------------------------ launch template -----

resource "aws_launch_template" "app" {
  name                   = "${var.name}-app"
  description            = "Conduit ${var.environment} ${local.app_version}"
  image_id               = var.ami_id
  instance_type          = var.instance_type
  update_default_version = true
  ebs_optimized          = true
  user_data              = base64encode(local.user_data)
  vpc_security_group_ids = [aws_security_group.app.id]

  iam_instance_profile {
    arn = aws_iam_instance_profile.app.arn
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required" # IMDSv2 only
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = var.root_device_name
    ebs {
      volume_type           = "gp3"
      volume_size           = var.root_volume_size
      encrypted             = true
      kms_key_id            = var.ebs_kms_key_arn
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  maintenance_options {
    auto_recovery = "default"
  }

  tag_specifications {
    resource_type = "instance"
    tags          = local.asg_tags
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.asg_tags
  }

  tags = merge(var.tags, { Name = "${var.name}-app", AppVersion = local.app_version })

  depends_on = [aws_ssm_parameter.config, aws_iam_role_policy.app]
}

# -------------------------------------------------- auto scaling group ------

resource "aws_autoscaling_group" "app" {
  name                = local.asg_name
  vpc_zone_identifier = var.subnet_ids
  min_size            = var.min_size
  max_size            = var.max_size
  desired_capacity    = coalesce(var.desired_capacity, var.min_size)

  # ELB health = the target group's /health/ready, which fails only for this instance's own reasons
  # (see modules/alb): a database or Redis outage never makes the ASG replace healthy instances.
  health_check_type         = "ELB"
  health_check_grace_period = var.health_check_grace_period
  default_instance_warmup   = var.instance_warmup
  target_group_arns         = [var.target_group_arn]
  wait_for_capacity_timeout = "15m"
  min_elb_capacity          = var.min_size

  termination_policies = ["OldestLaunchTemplate", "OldestInstance", "Default"]
  metrics_granularity  = "1Minute"
  enabled_metrics = [
    "GroupMinSize",
    "GroupMaxSize",
    "GroupDesiredCapacity",
    "GroupInServiceInstances",
    "GroupPendingInstances",
    "GroupStandbyInstances",
    "GroupTerminatingInstances",
    "GroupTotalInstances",
    "GroupInServiceCapacity",
    "GroupPendingCapacity",
    "GroupTerminatingCapacity",
    "GroupTotalCapacity",
  ]

  launch_template {
    id = aws_launch_template.app.id
    # Pinned to the version this apply created, never "$Latest": an AMI or
    # user-data change is a new version, which starts the instance refresh.
    version = aws_launch_template.app.latest_version
  }

  # Replacement of unhealthy instances also launches first, terminates after.
  instance_maintenance_policy {
    min_healthy_percentage = var.instance_refresh.min_healthy_percentage
    max_healthy_percentage = var.instance_refresh.max_healthy_percentage
  }

  # A change of launch_template (new version) always triggers the refresh.
  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = var.instance_refresh.min_healthy_percentage
      max_healthy_percentage = var.instance_refresh.max_healthy_percentage
      instance_warmup        = tostring(var.instance_warmup)
      checkpoint_percentages = var.instance_refresh.checkpoint_percentages
      checkpoint_delay       = tostring(var.instance_refresh.checkpoint_delay)
      skip_matching          = false
      auto_rollback          = true
      alarm_specification {
        alarms = var.rollback_alarm_names
      }
    }
  }

  dynamic "tag" {
    for_each = local.asg_tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    # The target-tracking policies own the capacity after creation.
    ignore_changes = [desired_capacity]
  }
}

# No termination lifecycle hook: nothing on the instance would complete it, so every
# termination would wait for its whole heartbeat. The ASG deregisters a terminating instance
# from the target group and waits for the deregistration delay (in-flight requests finish)
# before terminating it; the OS shutdown then stops conduit.service with SIGTERM, and the
# app drains again (CONDUIT_SHUTDOWN_DRAIN + CONDUIT_SHUTDOWN_TIMEOUT < TimeoutStopSec).

resource "aws_autoscaling_policy" "cpu" {
  name                      = "${var.name}-cpu-target"
  autoscaling_group_name    = aws_autoscaling_group.app.name
  policy_type               = "TargetTrackingScaling"
  estimated_instance_warmup = var.instance_warmup

  target_tracking_configuration {
    target_value = var.cpu_target
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
  }
}

resource "aws_autoscaling_policy" "requests" {
  name                      = "${var.name}-requests-target"
  autoscaling_group_name    = aws_autoscaling_group.app.name
  policy_type               = "TargetTrackingScaling"
  estimated_instance_warmup = var.instance_warmup

  target_tracking_configuration {
    target_value = var.requests_per_target
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}
