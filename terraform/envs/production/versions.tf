terraform {
  # 1.10+ for native S3 state locking (use_lockfile); 1.9+ for cross-variable validation.
  required_version = ">= 1.11" # write-only arguments in modules/database

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}
