# Shared mock values for `mock_provider "aws" { source = "../../tests/mocks" }`.
# Mocked computed attributes are random strings by default; the ones below
# need a realistic shape (ARNs, JSON documents, nested blocks read by outputs).

mock_data "aws_region" {
  defaults = {
    name        = "eu-west-1"
    description = "Europe (Ireland)"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "111111111111"
    arn        = "arn:aws:iam::111111111111:user/mock"
    user_id    = "AIDAMOCK"
  }
}

mock_data "aws_elb_service_account" {
  defaults = {
    arn = "arn:aws:iam::156460612806:root"
  }
}

mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_data "aws_ami" {
  defaults = {
    id           = "ami-0123456789abcdef0"
    architecture = "x86_64"
  }
}

mock_data "aws_secretsmanager_random_password" {
  defaults = {
    random_password = "MockAuthTokenMockAuthTokenMockAuthTokenMockAuthTokenMockAuth1234"
  }
}

mock_resource "aws_db_instance" {
  defaults = {
    address = "conduit-mock-db.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    arn     = "arn:aws:rds:eu-west-1:111111111111:db:conduit-mock-db"
    master_user_secret = [{
      kms_key_id    = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
      secret_arn    = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-00000000-0000-0000-0000-000000000000-AbCdEf"
      secret_status = "active"
    }]
  }
}

mock_resource "aws_serverlessapplicationrepository_cloudformation_stack" {
  defaults = {
    outputs = { RotationLambdaARN = "arn:aws:lambda:eu-west-1:111111111111:function:conduit-mock-db-rotation" }
  }
}

mock_resource "aws_secretsmanager_secret" {
  defaults = {
    arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:conduit/mock/redis-auth-AbCdEf"
  }
}

mock_resource "aws_elasticache_replication_group" {
  defaults = {
    id                       = "conduit-mock-redis" # the global datastore validates it (starts with a letter)
    arn                      = "arn:aws:elasticache:eu-west-1:111111111111:replicationgroup:conduit-mock-redis"
    primary_endpoint_address = "master.conduit-mock-redis.abcdef.euw1.cache.amazonaws.com"
    reader_endpoint_address  = "replica.conduit-mock-redis.abcdef.euw1.cache.amazonaws.com"
  }
}

mock_resource "aws_lb" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/conduit-mock/0123456789abcdef"
    arn_suffix = "app/conduit-mock/0123456789abcdef"
    dns_name   = "conduit-mock-123456789.eu-west-1.elb.amazonaws.com"
    zone_id    = "Z32O12XQLNTSW2"
  }
}

mock_resource "aws_lb_target_group" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/conduit-mock-app/0123456789abcdef"
    arn_suffix = "targetgroup/conduit-mock-app/0123456789abcdef"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    arn = "arn:aws:s3:::conduit-mock-alb-logs-20250101000000000000000001"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/conduit/mock/app"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::111111111111:role/conduit-mock"
  }
}

mock_resource "aws_iam_instance_profile" {
  defaults = {
    arn = "arn:aws:iam::111111111111:instance-profile/conduit-mock-app"
  }
}

mock_resource "aws_kms_key" {
  defaults = {
    arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:eu-west-1:111111111111:conduit-mock-alarms"
  }
}

mock_resource "aws_wafv2_web_acl" {
  defaults = {
    arn = "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/conduit-mock-alb/00000000-0000-0000-0000-000000000000"
  }
}

mock_resource "aws_autoscaling_group" {
  defaults = {
    arn = "arn:aws:autoscaling:eu-west-1:111111111111:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/conduit-mock-app"
  }
}

mock_resource "aws_launch_template" {
  defaults = {
    id             = "lt-0123456789abcdef0"
    arn            = "arn:aws:ec2:eu-west-1:111111111111:launch-template/lt-0123456789abcdef0"
    latest_version = 1
  }
}

mock_resource "aws_elasticache_global_replication_group" {
  defaults = {
    arn                         = "arn:aws:elasticache::111111111111:globalreplicationgroup:ldgnf-conduit-mock-redis"
    global_replication_group_id = "ldgnf-conduit-mock-redis"
  }
}
