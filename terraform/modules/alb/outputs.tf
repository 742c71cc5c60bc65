output "alb_arn" {
  description = "ARN of the application load balancer."
  value       = aws_lb.this.arn
}

output "alb_arn_suffix" {
  description = "ARN suffix of the ALB (CloudWatch LoadBalancer dimension)."
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "DNS name of the ALB (target of the public Route 53 alias record)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Hosted zone ID of the ALB, for Route 53 alias records."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the ALB (the only source allowed to reach the app port)."
  value       = aws_security_group.alb.id
}

output "target_group_arn" {
  description = "ARN of the application target group."
  value       = aws_lb_target_group.app.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (CloudWatch TargetGroup dimension)."
  value       = aws_lb_target_group.app.arn_suffix
}

output "access_logs_bucket" {
  description = "Name of the S3 bucket receiving the ALB access logs."
  value       = aws_s3_bucket.logs.id
}

output "web_acl_arn" {
  description = "ARN of the WAFv2 web ACL, or null when WAF is disabled."
  value       = try(aws_wafv2_web_acl.this[0].arn, null)
}

output "web_acl_rule_names" {
  description = "Names of the rules of the WAF web ACL (empty without WAF)."
  value       = var.enable_waf ? sort([for r in aws_wafv2_web_acl.this[0].rule : r.name]) : []
}
