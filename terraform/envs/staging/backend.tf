# Remote state in S3 with native S3 locking (a .tflock object, no DynamoDB).
# Bucket and region are account specific and supplied at init time:
#
#   terraform init -backend-config=staging.s3.backend.hcl
#
# with staging.s3.backend.hcl (not committed) containing e.g.
#   bucket = "acme-conduit-terraform-state"
#   region = "eu-west-1"
# See ../../README.md "Remote state bootstrap".
terraform {
  backend "s3" {
    key          = "conduit/staging/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
