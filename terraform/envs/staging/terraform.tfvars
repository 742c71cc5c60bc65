# Staging: same 3-AZ shape as production, smaller and cheaper (one NAT
# gateway, burstable instances, no deletion protection; the same WAF).
# Account-specific values (certificate_arn, alarm_emails) live in the git-ignored
# account.auto.tfvars next to this file; the AMI (ami_id, app_version) is passed by
# scripts/release from the Packer manifest and is never committed.
region   = "eu-west-1"
azs      = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
vpc_cidr = "10.10.0.0/16"

single_nat_gateway  = true
deletion_protection = false

instance_type = "t3.small"
min_size      = 2
max_size      = 4

db_instance_class        = "db.t4g.medium"
db_allocated_storage     = 20
db_max_allocated_storage = 100
db_backup_retention_days = 7

cache_node_type = "cache.t4g.small"
cache_num_nodes = 2

log_retention_days = 30
alarm_emails       = []

tags = {
  CostCenter = "conduit"
}
