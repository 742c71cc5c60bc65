# Route 53 failover between the two regions' ALBs. Each record has its own health check on
# GET /health/region through that region's ALB (HTTPS, like any client; the ALB's security
# group admits 443 from anywhere and the WAF's per-IP limit is far above the checkers' rate).
# /health/region answers 503 only after PostgreSQL or Redis has been silent for 15 s, so a
# shared-dependency blip never moves traffic; the PRIMARY record's check adds ?writable=true,
# so a demoted region (its database a read-only replica) does not take traffic back before
# its database is promoted. 10 s x 3 failures: traffic moves about 30 s after the 15 s.

resource "aws_route53_health_check" "primary" {
  type              = "HTTPS"
  fqdn              = module.alb.alb_dns_name
  port              = 443
  resource_path     = "/health/region?writable=true"
  enable_sni        = true
  request_interval  = 10
  failure_threshold = 3

  tags = { Name = "${local.name}-primary-region" }
}

resource "aws_route53_health_check" "standby" {
  type              = "HTTPS"
  fqdn              = module.standby_alb.alb_dns_name
  port              = 443
  resource_path     = "/health/region"
  enable_sni        = true
  request_interval  = 10
  failure_threshold = 3

  tags = { Name = "${local.name}-standby-region" }
}

resource "aws_route53_record" "primary" {
  zone_id         = var.dns_zone_id
  name            = var.dns_record_name
  type            = "A"
  set_identifier  = "${local.name}-primary"
  health_check_id = aws_route53_health_check.primary.id

  failover_routing_policy {
    type = "PRIMARY"
  }

  alias {
    name                   = module.alb.alb_dns_name
    zone_id                = module.alb.alb_zone_id
    evaluate_target_health = false # the health check decides, not the ALB's target health
  }
}

resource "aws_route53_record" "secondary" {
  zone_id         = var.dns_zone_id
  name            = var.dns_record_name
  type            = "A"
  set_identifier  = "${local.name}-secondary"
  health_check_id = aws_route53_health_check.standby.id

  failover_routing_policy {
    type = "SECONDARY"
  }

  alias {
    name                   = module.standby_alb.alb_dns_name
    zone_id                = module.standby_alb.alb_zone_id
    evaluate_target_health = false
  }
}
