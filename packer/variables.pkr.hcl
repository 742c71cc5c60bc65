variable "app_version" {
  type        = string
  description = "Version of the Conduit release baked into the AMI (tag AppVersion; Terraform selects the AMI by it)."

  # Packer 1.6.6 evaluates validation rules without functions (no regex), hence the simple tests.
  validation {
    condition     = var.app_version != ""
    error_message = "The app_version must not be empty (it is part of the AMI name and the AppVersion tag)."
  }
}

variable "git_sha" {
  type        = string
  description = "Git commit the JAR was built from (tag GitSha), e.g. $(git rev-parse --short=12 HEAD)."

  validation {
    condition     = length(var.git_sha) >= 7
    error_message = "The git_sha must be a commit id of at least 7 characters (git rev-parse --short=12 HEAD)."
  }
}

variable "region" {
  type        = string
  description = "AWS region the AMI is built in."
  default     = "eu-west-1"
}

variable "instance_type" {
  type        = string
  description = "Build instance type (x86_64, like the t3/m7i fleet)."
  default     = "t3.small"
}

variable "subnet_id" {
  type        = string
  description = "Subnet of the build instance; empty lets Packer use the default VPC."
  default     = ""
}

variable "associate_public_ip_address" {
  type        = bool
  description = "Give the build instance a public IP (needed in a public subnet without NAT)."
  default     = true
}

variable "ssh_source_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach the build instance's SSH port (the temporary security group)."
  default     = ["0.0.0.0/0"]
}

variable "ssh_interface" {
  type        = string
  description = "How Packer reaches the build instance: public_ip, or private_ip from inside the VPC."
  default     = "public_ip"
}

variable "root_volume_size" {
  type        = number
  description = "Root volume size in GiB (gp3, encrypted)."
  default     = 8
}

variable "kms_key_id" {
  type        = string
  description = "KMS key for the root volume and the AMI snapshot; empty uses the AWS-managed EBS key."
  default     = ""
}

variable "jar_path" {
  type        = string
  description = "The shaded conduit.jar on the machine running Packer; empty means app/target/conduit.jar of this repository."
  default     = ""
}

variable "runtime_dir" {
  type        = string
  description = "The jlink runtime made by scripts/build-runtime.sh; empty means app/target/runtime of this repository."
  default     = ""
}

variable "ssm_agent_deb" {
  type        = string
  description = "amazon-ssm-agent .deb for Debian amd64 (path on the machine running Packer); the AMI has no SSH, so it is required."
}

variable "cloudwatch_agent_deb" {
  type        = string
  description = "amazon-cloudwatch-agent .deb for Debian amd64 (path on the machine running Packer); ships the JSON log and the metrics."
}

variable "ami_users" {
  type        = list(string)
  description = "Other AWS account ids allowed to launch the AMI (e.g. a production account)."
  default     = []
}

variable "ami_regions" {
  type        = list(string)
  description = "Other regions the AMI is copied to: production's standby_region (terraform/envs/production/terraform.tfvars), next to the default build region. [] builds an image production cannot deploy."
  default     = ["eu-central-1"]
}

variable "region_kms_key_ids" {
  type        = map(string)
  description = "KMS key per copy region for the copied snapshots (empty: each region's default EBS key)."
  default     = {}
}
