# Standby region: a warm copy of the stack in var.standby_region, built from the same modules
# through the aws.standby provider. A smaller Auto Scaling group of the same AMI (copied there
# by the image build), an encrypted cross-region read replica of the database and a Global
# Datastore secondary of Redis, behind its own ALB and WAF. Route 53 (dns.tf) sends traffic
# here only when the primary region's health check fails; promoting the replica and the Redis
# secondary and scaling the group up is the failover runbook's job (outputs below the
# standby_ prefix in outputs.tf).

provider "aws" {
  alias  = "standby"
  region = var.standby_region

  default_tags {
    tags = merge(var.tags, {
      Project     = "conduit"
      Environment = var.environment
      ManagedBy   = "terraform"
      Region      = "standby"
    })
  }
}

locals {
  # Names of region-scoped resources may repeat; IAM roles, dashboards and the Global
  # Datastore members may not: every standby resource is named conduit-<env>-standby-*.
  standby_name = "${local.name}-standby"
}

module "standby_network" {
  source    = "../../modules/network"
  providers = { aws = aws.standby }

  name               = local.standby_name
  vpc_cidr           = var.standby_vpc_cidr
  azs                = var.standby_azs
  single_nat_gateway = false # it becomes the production region in a failover
}

module "standby_alb" {
  source    = "../../modules/alb"
  providers = { aws = aws.standby }

  name                 = local.standby_name
  vpc_id               = module.standby_network.vpc_id
  public_subnet_ids    = module.standby_network.public_subnet_ids
  certificate_arn      = var.standby_certificate_arn
  app_port             = local.http_port
  health_check_path    = "/health/ready"
  deregistration_delay = 30
  deletion_protection  = true
  enable_waf           = true
  waf_rate_limit       = var.waf_rate_limit
}

# Encrypted cross-region read replica of the primary (a KMS key of its own region, created by
# the module). Read-only until `aws rds promote-read-replica`; the app serves reads meanwhile.
module "standby_database" {
  source    = "../../modules/database"
  providers = { aws = aws.standby }

  name                      = local.standby_name
  role                      = "replica"
  replicate_source_db       = module.database.instance_arn
  vpc_id                    = module.standby_network.vpc_id
  subnet_ids                = module.standby_network.data_subnet_ids
  client_security_group_ids = { app = module.standby_app.security_group_id }
  instance_class            = var.standby_db_instance_class
  allocated_storage         = var.db_allocated_storage
  max_allocated_storage     = var.db_max_allocated_storage
  backup_retention_period   = var.db_backup_retention_days
  deletion_protection       = true
}

# Secondary of the primary's Global Datastore: the sessions are already here when the region
# takes over (`aws elasticache failover-global-replication-group`).
module "standby_cache" {
  source    = "../../modules/cache"
  providers = { aws = aws.standby }

  name                        = local.standby_name
  vpc_id                      = module.standby_network.vpc_id
  subnet_ids                  = module.standby_network.data_subnet_ids
  azs                         = module.standby_network.azs
  client_security_group_ids   = { app = module.standby_app.security_group_id }
  num_cache_clusters          = var.cache_num_nodes
  snapshot_retention_limit    = 7
  role                        = "secondary"
  global_replication_group_id = module.cache.global_replication_group_id
  auth_token                  = module.cache.auth_token
  auth_token_secret_arn       = module.cache.auth_token_secret_replica_arns[var.standby_region]
}

module "standby_observability" {
  source    = "../../modules/observability"
  providers = { aws = aws.standby }

  name                     = local.standby_name
  environment              = var.environment
  metrics_cluster_name     = local.name # the agent's ClusterName is conduit-<environment> in every region
  log_retention_days       = var.log_retention_days
  alarm_emails             = var.alarm_emails
  require_alarm_subscriber = true
  asg_min_size             = var.standby_min_size
  alb_arn_suffix           = module.standby_alb.alb_arn_suffix
  target_group_arn_suffix  = module.standby_alb.target_group_arn_suffix
  autoscaling_group_name   = module.standby_app.autoscaling_group_name
  db_instance_identifier   = module.standby_database.instance_identifier
  # The RPO of a regional failover: paged at 30 s (docs/operations.md, "Losing a region").
  db_replica_lag_alarm_seconds = 30
  db_allocated_storage_gib     = var.db_allocated_storage
  cache_cluster_ids            = module.standby_cache.member_cluster_ids
}

module "standby_app" {
  source    = "../../modules/app"
  providers = { aws = aws.standby }

  name        = local.standby_name
  environment = var.environment
  vpc_id      = module.standby_network.vpc_id
  subnet_ids  = module.standby_network.private_subnet_ids

  app_version   = var.app_version
  ami_id        = var.standby_ami_id
  instance_type = var.instance_type
  min_size      = var.standby_min_size
  max_size      = var.standby_max_size

  app_port               = local.http_port
  admin_port             = local.admin_port
  monitoring_cidr_blocks = var.monitoring_cidr_blocks

  alb_security_group_id   = module.standby_alb.security_group_id
  target_group_arn        = module.standby_alb.target_group_arn
  alb_arn_suffix          = module.standby_alb.alb_arn_suffix
  target_group_arn_suffix = module.standby_alb.target_group_arn_suffix
  rollback_alarm_names    = module.standby_observability.rollback_alarm_names

  log_group_name = module.standby_observability.log_group_name
  log_group_arn  = module.standby_observability.log_group_arn

  journal_log_group_arn = module.standby_observability.journal_log_group_arn
  secret_arns = [
    module.database.master_user_secret_replica_arns[var.standby_region], # the master secret's replica in this region
    module.standby_cache.auth_token_secret_arn,
  ]

  # The same SSM contract as the primary region's instances, under the same prefix
  # (/conduit/<env>) in this region: the replica's endpoint and the Redis secondary's.
  config_parameters = {
    db_host               = module.standby_database.address
    db_port               = tostring(module.standby_database.port)
    db_name               = module.database.database_name
    db_user               = module.database.master_username
    db_secret_arn         = module.database.master_user_secret_replica_arns[var.standby_region]
    db_jdbc_url           = "jdbc:postgresql://${module.standby_database.address}:${module.standby_database.port}/${module.database.database_name}?sslmode=require"
    redis_host            = module.standby_cache.primary_endpoint_address
    redis_port            = tostring(module.standby_cache.port)
    redis_tls             = "true"
    redis_auth_secret_arn = module.standby_cache.auth_token_secret_arn
    http_port             = tostring(local.http_port)
    admin_port            = tostring(local.admin_port)
    trusted_proxy_hops    = "1" # the ALB appends one X-Forwarded-For entry
  }

  instance_tags = merge(local.instance_tags, { Region = "standby" })
}
