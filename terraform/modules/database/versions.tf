terraform {
  # 1.9+ for input validations that refer to other variables.
  required_version = ">= 1.11" # write-only arguments (password_wo, secret_string_wo)

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}
