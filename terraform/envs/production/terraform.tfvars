# Production. Account-specific values (certificate_arn, alarm_emails) live in the
# git-ignored account.auto.tfvars next to this file; the AMI (ami_id, app_version)
# is passed by scripts/release from the Packer manifest and is never committed.
region   = "eu-west-1"
azs      = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
vpc_cidr = "10.20.0.0/16"

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

tags = {
  CostCenter = "conduit"
}

# Standby region (standby.tf): account-specific standby_certificate_arn, dns_zone_id and
# dns_record_name go in account.auto.tfvars; standby_ami_id comes from scripts/release.
standby_region   = "eu-central-1"
standby_azs      = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
standby_vpc_cidr = "10.21.0.0/16"
standby_min_size = 2
standby_max_size = 12
