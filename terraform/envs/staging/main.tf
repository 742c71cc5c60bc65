provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, {
      Project     = "conduit"
      Environment = var.environment
      ManagedBy   = "terraform"
    })
  }
}

locals {
  name       = "conduit-${var.environment}"
  http_port  = 8080
  admin_port = 9090

  instance_tags = merge(var.tags, {
    Project     = "conduit"
    Environment = var.environment
    ManagedBy   = "terraform"
  })
}

module "network" {
  source = "../../modules/network"

  name               = local.name
  vpc_cidr           = var.vpc_cidr
  azs                = var.azs
  single_nat_gateway = var.single_nat_gateway
}

module "alb" {
  source = "../../modules/alb"

  name                 = local.name
  vpc_id               = module.network.vpc_id
  public_subnet_ids    = module.network.public_subnet_ids
  certificate_arn      = var.certificate_arn
  app_port             = local.http_port
  health_check_path    = "/health/ready"
  deregistration_delay = 30
  deletion_protection  = var.deletion_protection
  enable_waf           = true # the same WAF as production: staging must refuse what production refuses
  # Disposable environment: the log bucket may be deleted with its logs.
  access_logs_force_destroy  = !var.deletion_protection
  access_logs_retention_days = 30
  waf_rate_limit             = var.waf_rate_limit
}

module "database" {
  source = "../../modules/database"

  name                      = local.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.data_subnet_ids
  client_security_group_ids = { app = module.app.security_group_id }
  instance_class            = var.db_instance_class
  allocated_storage         = var.db_allocated_storage
  max_allocated_storage     = var.db_max_allocated_storage
  backup_retention_period   = var.db_backup_retention_days
  deletion_protection       = var.deletion_protection
  apply_immediately         = true

  # The master password's rotation Lambda runs in the private subnets (Secrets Manager VPC endpoint).
  rotation_subnet_ids = module.network.private_subnet_ids
}

module "cache" {
  source = "../../modules/cache"

  name                      = local.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.data_subnet_ids
  azs                       = module.network.azs
  client_security_group_ids = { app = module.app.security_group_id }
  node_type                 = var.cache_node_type
  num_cache_clusters        = var.cache_num_nodes
  snapshot_retention_limit  = 1
  apply_immediately         = true
}

module "observability" {
  source = "../../modules/observability"

  name                     = local.name
  environment              = var.environment
  log_retention_days       = var.log_retention_days
  alarm_emails             = var.alarm_emails
  require_alarm_subscriber = false
  asg_min_size             = var.min_size
  alb_arn_suffix           = module.alb.alb_arn_suffix
  target_group_arn_suffix  = module.alb.target_group_arn_suffix
  autoscaling_group_name   = module.app.autoscaling_group_name
  db_instance_identifier   = module.database.instance_identifier
  db_allocated_storage_gib = var.db_allocated_storage
  cache_cluster_ids        = module.cache.member_cluster_ids
}

module "app" {
  source = "../../modules/app"

  name        = local.name
  environment = var.environment
  vpc_id      = module.network.vpc_id
  subnet_ids  = module.network.private_subnet_ids

  app_version   = var.app_version
  ami_id        = var.ami_id
  instance_type = var.instance_type
  min_size      = var.min_size
  max_size      = var.max_size

  app_port               = local.http_port
  admin_port             = local.admin_port
  monitoring_cidr_blocks = var.monitoring_cidr_blocks

  alb_security_group_id   = module.alb.security_group_id
  target_group_arn        = module.alb.target_group_arn
  alb_arn_suffix          = module.alb.alb_arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix
  rollback_alarm_names    = module.observability.rollback_alarm_names

  log_group_name = module.observability.log_group_name
  log_group_arn  = module.observability.log_group_arn

  journal_log_group_arn = module.observability.journal_log_group_arn
  secret_arns = [
    module.database.master_user_secret_arn,
    module.cache.auth_token_secret_arn,
  ]

  # SSM parameter contract read by the instance boot step (see ../../README.md).
  config_parameters = {
    db_host               = module.database.address
    db_port               = tostring(module.database.port)
    db_name               = module.database.database_name
    db_user               = module.database.master_username
    db_secret_arn         = module.database.master_user_secret_arn
    db_jdbc_url           = "jdbc:postgresql://${module.database.address}:${module.database.port}/${module.database.database_name}?sslmode=require"
    redis_host            = module.cache.primary_endpoint_address
    redis_port            = tostring(module.cache.port)
    redis_tls             = "true"
    redis_auth_secret_arn = module.cache.auth_token_secret_arn
    http_port             = tostring(local.http_port)
    admin_port            = tostring(local.admin_port)
    trusted_proxy_hops    = "1" # the ALB appends one X-Forwarded-For entry
  }

  instance_tags = local.instance_tags
}
