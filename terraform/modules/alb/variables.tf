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
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>)."
  }

  validation {
    condition     = !can(regex(":111111111111:|:123456789012:|/00000000-0000-0000-0000-000000000000$", var.certificate_arn))
    error_message = "certificate_arn is the documentation placeholder: pass the ARN of your issued ACM certificate (-var certificate_arn=... or a non-committed *.auto.tfvars)."
  }
}

variable "ssl_policy" {
  description = "TLS security policy of the HTTPS listener: one of the TLS 1.3 + 1.2 (or 1.3 only) ALB policies of the allow-list."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition = contains([
      "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
      "ELBSecurityPolicy-TLS13-1-3-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
      "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    ], var.ssl_policy)
    error_message = "ssl_policy must be one of the allowed TLS 1.2/1.3 ALB policies (see terraform/README.md); no TLS 1.0/1.1 policy."
  }
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

  # A draining instance (readiness 503 after SIGTERM) must leave rotation within the app's
  # CONDUIT_SHUTDOWN_DRAIN (10 s): interval x unhealthy_threshold <= 10.
  validation {
    condition = (
      var.health_check.interval >= 5 && var.health_check.interval <= 10 &&
      var.health_check.timeout >= 2 && var.health_check.timeout <= 5 &&
      var.health_check.unhealthy_threshold >= 2 && var.health_check.unhealthy_threshold <= 3 &&
      var.health_check.healthy_threshold >= 2 && var.health_check.healthy_threshold <= 5 &&
      var.health_check.interval * var.health_check.unhealthy_threshold <= 10
    )
    error_message = "health_check must stay within the documented bounds: interval 5-10 s, timeout 2-5 s, thresholds 2-3 (unhealthy) / 2-5 (healthy), interval x unhealthy_threshold <= 10 s."
  }
}

variable "deregistration_delay" {
  description = "Seconds the target group keeps a deregistering target to finish in-flight requests."
  type        = number
  default     = 30

  # Long enough for in-flight requests (the app's request timeouts are well below 15 s), short
  # enough that a rolling refresh of 12 instances is not held up for minutes per instance.
  validation {
    condition     = var.deregistration_delay >= 15 && var.deregistration_delay <= 60
    error_message = "deregistration_delay must be between 15 and 60 seconds (documented bounds)."
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

variable "max_request_bytes" {
  description = "The API's request body limit (CONDUIT_MAX_REQUEST_BYTES, 1 MiB by default): WAF blocks a declared Content-Length above it; bodies up to it are not blocked for their size."
  type        = number
  default     = 1048576

  validation {
    condition     = var.max_request_bytes >= 8192 && var.max_request_bytes <= 67108864 && floor(var.max_request_bytes) == var.max_request_bytes
    error_message = "max_request_bytes must be a whole number of bytes between 8192 and 64 MiB (the app's own bounds)."
  }
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
