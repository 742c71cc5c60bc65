variable "name" {
  description = "Name prefix for every resource of this module (e.g. conduit-staging)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC. A /16 is split into /20 subnets: public, private (app) and data per AZ."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be a valid IPv4 CIDR block of size /20 or larger (e.g. 10.0.0.0/16)."
  }
}

variable "azs" {
  description = "Availability Zone names to spread the subnets over (e.g. [\"eu-west-1a\", \"eu-west-1b\", \"eu-west-1c\"]). At least 3, all distinct."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 3 && length(distinct(var.azs)) == length(var.azs)
    error_message = "azs must list at least 3 distinct Availability Zones (the design is 3-AZ high availability)."
  }

  validation {
    condition     = length(var.azs) <= 4
    error_message = "azs supports at most 4 Availability Zones (subnet CIDR layout)."
  }
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway for all private subnets (cheap, but egress then depends on one AZ). false = one NAT gateway per AZ."
  type        = bool
  default     = false
}

variable "interface_endpoints" {
  description = "AWS services reached through interface VPC endpoints from the private subnets (short service names, e.g. ssm)."
  type        = set(string)
  default     = ["ssm", "ssmmessages", "ec2messages", "secretsmanager", "logs", "monitoring"]

  validation {
    condition     = alltrue([for s in var.interface_endpoints : can(regex("^[a-z0-9.-]+$", s))])
    error_message = "interface_endpoints must be short service names such as ssm or secretsmanager."
  }
}

variable "tags" {
  description = "Extra tags for the resources of this module (provider default_tags already carry Project/Environment/ManagedBy)."
  type        = map(string)
  default     = {}
}
