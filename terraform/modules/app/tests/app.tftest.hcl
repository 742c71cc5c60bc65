mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                    = "conduit-test"
  environment             = "test"
  vpc_id                  = "vpc-0123456789abcdef0"
  subnet_ids              = ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"]
  alb_security_group_id   = "sg-00000000000000a1b"
  target_group_arn        = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/conduit-test-app/0123456789abcdef"
  alb_arn_suffix          = "app/conduit-test/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/conduit-test-app/0123456789abcdef"
  app_version             = "1.2.3"
  ami_id                  = "ami-0123456789abcdef0"
  rollback_alarm_names    = ["conduit-test-target-5xx", "conduit-test-unhealthy-hosts"]
  log_group_name          = "/conduit/test/app"
  log_group_arn           = "arn:aws:logs:eu-west-1:111111111111:log-group:/conduit/test/app"
  secret_arns = [
    "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-1-AbCdEf",
    "arn:aws:secretsmanager:eu-west-1:111111111111:secret:conduit/conduit-test/redis-auth-AbCdEf",
  ]
  config_parameters = {
    db_host = "db.example.internal"
    db_port = "5432"
  }
}

run "launch_template" {
  command = apply

  assert {
    condition = (
      aws_launch_template.app.metadata_options[0].http_tokens == "required" &&
      aws_launch_template.app.metadata_options[0].http_put_response_hop_limit == 1 &&
      aws_launch_template.app.metadata_options[0].http_endpoint == "enabled"
    )
    error_message = "IMDSv2 must be required with a hop limit of 1."
  }

  assert {
    condition = (
      aws_launch_template.app.block_device_mappings[0].ebs[0].encrypted == "true" &&
      aws_launch_template.app.block_device_mappings[0].ebs[0].volume_type == "gp3"
    )
    error_message = "The root volume must be encrypted gp3."
  }

  assert {
    condition     = aws_launch_template.app.image_id == "ami-0123456789abcdef0"
    error_message = "The launch template runs exactly the AMI id it is given (never a lookup by tag)."
  }

  assert {
    condition = length(base64decode(aws_launch_template.app.user_data)) > 0 && alltrue([
      for line in ["CONDUIT_ENVIRONMENT=test", "CONDUIT_SSM_PREFIX=/conduit/test", "AWS_REGION=eu-west-1"] :
      strcontains(base64decode(aws_launch_template.app.user_data), line)
    ]) && strcontains(base64decode(aws_launch_template.app.user_data), "/etc/conduit/bootstrap.env")
    error_message = "User data must write /etc/conduit/bootstrap.env with environment, SSM prefix and region."
  }

  assert {
    condition     = aws_launch_template.app.key_name == null
    error_message = "No SSH key pair: access is through SSM Session Manager."
  }
}

run "autoscaling_group" {
  command = apply

  assert {
    condition     = length(aws_autoscaling_group.app.vpc_zone_identifier) == 3 && aws_autoscaling_group.app.vpc_zone_identifier == toset(["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"])
    error_message = "The ASG must span the 3 private subnets."
  }

  assert {
    condition     = aws_autoscaling_group.app.min_size >= 2 && aws_autoscaling_group.app.health_check_type == "ELB" && aws_autoscaling_group.app.target_group_arns == toset(["arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/conduit-test-app/0123456789abcdef"])
    error_message = "The ASG needs min_size >= 2, ELB health checks and the target group."
  }

  assert {
    condition     = aws_autoscaling_group.app.launch_template[0].version == tostring(aws_launch_template.app.latest_version) && aws_autoscaling_group.app.launch_template[0].version != "$Latest"
    error_message = "The ASG must be pinned to the launch template's latest_version, not $Latest."
  }

  assert {
    condition = (
      aws_autoscaling_group.app.instance_refresh[0].strategy == "Rolling" &&
      aws_autoscaling_group.app.instance_refresh[0].preferences[0].min_healthy_percentage == 100 &&
      aws_autoscaling_group.app.instance_refresh[0].preferences[0].max_healthy_percentage == 200 &&
      aws_autoscaling_group.app.instance_refresh[0].preferences[0].auto_rollback &&
      aws_autoscaling_group.app.instance_refresh[0].preferences[0].checkpoint_percentages == tolist([34, 67, 100])
    )
    error_message = "Instance refresh: Rolling, 100/200 healthy, checkpoints, automatic rollback."
  }

  assert {
    condition     = aws_autoscaling_group.app.instance_refresh[0].preferences[0].alarm_specification[0].alarms == tolist(["conduit-test-target-5xx", "conduit-test-unhealthy-hosts"])
    error_message = "The rollback must be driven by the given CloudWatch alarms."
  }

  assert {
    condition = (
      aws_autoscaling_group.app.instance_maintenance_policy[0].min_healthy_percentage == 100 &&
      aws_autoscaling_group.app.instance_maintenance_policy[0].max_healthy_percentage == 200
    )
    error_message = "Replacing unhealthy instances launches first (maintenance policy 100/200)."
  }

  assert {
    condition = (
      aws_autoscaling_policy.cpu.target_tracking_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ASGAverageCPUUtilization" &&
      aws_autoscaling_policy.requests.target_tracking_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget" &&
      aws_autoscaling_policy.requests.target_tracking_configuration[0].predefined_metric_specification[0].resource_label == "app/conduit-test/0123456789abcdef/targetgroup/conduit-test-app/0123456789abcdef"
    )
    error_message = "Target tracking on CPU and on ALB requests per target."
  }

  assert {
    condition     = anytrue([for t in aws_autoscaling_group.app.tag : t.key == "AppVersion" && t.value == "1.2.3" && t.propagate_at_launch])
    error_message = "Instances must be tagged with the app version."
  }
}

run "security_groups" {
  command = apply

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.app_from_alb.referenced_security_group_id == "sg-00000000000000a1b" &&
      aws_vpc_security_group_ingress_rule.app_from_alb.from_port == 8080 &&
      aws_vpc_security_group_ingress_rule.app_from_alb.to_port == 8080 &&
      aws_vpc_security_group_ingress_rule.app_from_alb.cidr_ipv4 == null
    )
    error_message = "The app port is reachable from the ALB security group only."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.alb_to_app.security_group_id == "sg-00000000000000a1b" && aws_vpc_security_group_egress_rule.alb_to_app.from_port == 8080 && aws_vpc_security_group_egress_rule.alb_to_app.to_port == 8080
    error_message = "The ALB may only send to the app port."
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.admin_from_monitoring) == 0
    error_message = "By default nothing reaches the admin port 9090."
  }
}

run "parameters_and_iam" {
  command = apply

  assert {
    condition     = aws_ssm_parameter.config["db_host"].name == "/conduit/test/db_host" && aws_ssm_parameter.config["db_host"].type == "String"
    error_message = "Parameters are written below /conduit/<environment>/ as String."
  }

  assert {
    condition = (
      toset(one([for st in data.aws_iam_policy_document.app.statement : st.resources if st.sid == "ReadOwnParameters"])) == toset([
        "arn:aws:ssm:eu-west-1:111111111111:parameter/conduit/test",
        "arn:aws:ssm:eu-west-1:111111111111:parameter/conduit/test/*",
      ]) &&
      toset(one([for st in data.aws_iam_policy_document.app.statement : st.resources if st.sid == "ReadOwnSecrets"])) == toset([
        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-1-AbCdEf",
        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:conduit/conduit-test/redis-auth-AbCdEf",
      ])
    )
    error_message = "The instance role reads only its own parameters and the two secrets."
  }

  assert {
    condition = (
      length([for st in data.aws_iam_policy_document.app.statement : st if st.sid == "SsmAgentSessionManager"]) == 1 &&
      alltrue([for st in data.aws_iam_policy_document.app.statement : !contains(st.actions, "ssm:GetParameter") || st.sid == "ReadOwnParameters"])
    )
    error_message = "Session Manager works without AmazonSSMManagedInstanceCore: no statement but ReadOwnParameters reads parameters."
  }
}

run "admin_port_from_monitoring_network" {
  command = apply

  variables {
    monitoring_cidr_blocks = ["10.99.0.0/24"]
  }

  assert {
    condition = length(aws_vpc_security_group_ingress_rule.admin_from_monitoring) == 1 && alltrue([
      for r in aws_vpc_security_group_ingress_rule.admin_from_monitoring :
      r.from_port == 9090 && r.cidr_ipv4 == "10.99.0.0/24" && r.referenced_security_group_id == null
    ])
    error_message = "The admin port is opened only to the monitoring CIDR, never to the ALB."
  }
}

run "explicit_ami" {
  command = apply

  variables {
    ami_id      = "ami-0fedcba9876543210"
    app_version = null
  }

  assert {
    condition     = aws_launch_template.app.image_id == "ami-0fedcba9876543210"
    error_message = "Another AMI id is another launch template image."
  }
}

run "rejects_min_size_1" {
  command = plan

  variables {
    min_size = 1
  }

  expect_failures = [var.min_size]
}

run "rejects_two_subnets" {
  command = plan

  variables {
    subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  }

  expect_failures = [var.subnet_ids]
}

run "rejects_world_on_admin_port" {
  command = plan

  variables {
    monitoring_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.monitoring_cidr_blocks]
}

run "rejects_capacity_loss_during_refresh" {
  command = plan

  variables {
    instance_refresh = { min_healthy_percentage = 90 }
  }

  expect_failures = [var.instance_refresh]
}

run "rejects_no_ami" {
  command = plan

  variables {
    app_version = null
    ami_id      = null
  }

  expect_failures = [var.ami_id]
}

run "rejects_bad_environment" {
  command = plan

  variables {
    environment = "Prod-1"
  }

  expect_failures = [var.environment]
}
