output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "azs" {
  description = "Availability Zones used, in subnet order."
  value       = var.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (ALB, NAT gateways), one per AZ."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private (application) subnets, one per AZ, routed to NAT."
  value       = aws_subnet.private[*].id
}

output "data_subnet_ids" {
  description = "IDs of the isolated data subnets (RDS, ElastiCache), one per AZ, without internet route."
  value       = aws_subnet.data[*].id
}

output "private_subnet_azs" {
  description = "Availability Zone of each private subnet, in the order of private_subnet_ids."
  value       = aws_subnet.private[*].availability_zone
}

output "nat_gateway_count" {
  description = "Number of NAT gateways (1 with single_nat_gateway, else one per AZ)."
  value       = length(aws_nat_gateway.this)
}

output "vpc_endpoint_security_group_id" {
  description = "Security group of the interface VPC endpoints (443 from the VPC)."
  value       = aws_security_group.endpoints.id
}
