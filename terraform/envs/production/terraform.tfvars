# Production. Account-specific values are placeholders: replace the
# certificate ARN before the first apply; app_version is normally passed by the
# release pipeline (-var app_version=...).
region          = "eu-west-1"
azs             = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
vpc_cidr        = "10.20.0.0/16"
certificate_arn = "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
app_version     = "1.0.0"

instance_type = "m7i.large"
min_size      = 3
max_size      = 12

db_instance_class        = "db.m7g.large"
db_allocated_storage     = 100
db_max_allocated_storage = 500
db_backup_retention_days = 14

cache_node_type = "cache.m7g.large"
cache_num_nodes = 2

log_retention_days = 90
alarm_emails       = []

tags = {
  CostCenter = "conduit"
}
