variable "name" {
  description = "Name prefix for every resource of this module (e.g. conduit-staging). At most 26 characters (ALB/target group names are limited to 32)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,25}$", var.name))
    error_message = "name must be 3-26 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of the ALB, one per AZ (at least 2; the design uses 3)."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An ALB needs public subnets in at least 2 Availability Zones."
  }
}

variable "certificate_arn" {
  description = "ARN of the ACM certificate served by the HTTPS listener."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)."
  }
}

variable "ssl_policy" {
  description = "TLS security policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "app_port" {
  description = "Port the application listens on (target group port)."
  type        = number
  default     = 8080
}

variable "health_check_path" {
  description = "Readiness endpoint probed by the target group health check."
  type        = string
  default     = "/health/ready"
}

variable "health_check" {
  description = "Target group health check timings (seconds / counts)."
  type = object({
    interval            = optional(number, 5)
    timeout             = optional(number, 2)
    healthy_threshold   = optional(number, 2)
    unhealthy_threshold = optional(number, 2)
  })
  default = {}

  validation {
    condition     = var.health_check.timeout < var.health_check.interval
    error_message = "health_check.timeout must be shorter than health_check.interval."
  }
}

variable "deregistration_delay" {
  description = "Seconds the target group keeps a deregistering target to finish in-flight requests."
  type        = number
  default     = 30

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600
    error_message = "deregistration_delay must be between 0 and 3600 seconds."
  }
}

variable "idle_timeout" {
  description = "ALB idle connection timeout in seconds."
  type        = number
  default     = 60
}

variable "deletion_protection" {
  description = "Enable deletion protection on the load balancer."
  type        = bool
  default     = true
}

variable "access_logs_retention_days" {
  description = "Days after which ALB access log objects are expired from the log bucket."
  type        = number
  default     = 90

  validation {
    condition     = var.access_logs_retention_days >= 1
    error_message = "access_logs_retention_days must be at least 1."
  }
}

variable "access_logs_force_destroy" {
  description = "Allow Terraform to delete the access log bucket even when it still holds logs (for disposable environments)."
  type        = bool
  default     = false
}

variable "enable_waf" {
  description = "Create a WAFv2 web ACL (rate limit + AWS managed common rules) and associate it with the ALB."
  type        = bool
  default     = false
}

variable "waf_rate_limit" {
  description = "Maximum requests per client IP in any 5-minute window before WAF blocks it."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 100
    error_message = "waf_rate_limit must be at least 100 (WAFv2 minimum)."
  }
}

variable "tags" {
  description = "Extra tags for the resources of this module."
  type        = map(string)
  default     = {}
}
