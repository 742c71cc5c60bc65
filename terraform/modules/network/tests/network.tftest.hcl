mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name     = "conduit-test"
  vpc_cidr = "10.0.0.0/16"
  azs      = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

run "three_az_layout" {
  command = apply

  assert {
    condition     = length(distinct(aws_subnet.public[*].availability_zone)) == 3
    error_message = "Public subnets must span 3 AZs."
  }

  assert {
    condition     = length(distinct(aws_subnet.private[*].availability_zone)) == 3
    error_message = "Private (app) subnets must span 3 AZs."
  }

  assert {
    condition     = length(distinct(aws_subnet.data[*].availability_zone)) == 3
    error_message = "Data subnets must span 3 AZs."
  }

  assert {
    condition     = length(distinct(concat(aws_subnet.public[*].cidr_block, aws_subnet.private[*].cidr_block, aws_subnet.data[*].cidr_block))) == 9
    error_message = "Subnet CIDR blocks must not overlap."
  }

  assert {
    condition     = length(concat(aws_subnet.public, aws_subnet.private, aws_subnet.data)) == 9 && alltrue([for s in concat(aws_subnet.public, aws_subnet.private, aws_subnet.data) : s.map_public_ip_on_launch != true])
    error_message = "No subnet may hand out public IPs automatically."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(distinct(aws_route.private_nat[*].nat_gateway_id)) == 3
    error_message = "By default every AZ has its own NAT gateway and route."
  }

  assert {
    condition     = length(aws_route.private_nat) == 3 && alltrue([for r in aws_route.private_nat : r.route_table_id != aws_route_table.data.id]) && aws_route.public_internet.route_table_id != aws_route_table.data.id
    error_message = "The data route table must have no route to the internet gateway or a NAT gateway."
  }

  assert {
    condition     = length(aws_route_table_association.data) == 3 && alltrue([for a in aws_route_table_association.data : a.route_table_id == aws_route_table.data.id])
    error_message = "Every data subnet must use the isolated data route table."
  }

  assert {
    condition     = tolist(output.private_subnet_azs) == tolist(["eu-west-1a", "eu-west-1b", "eu-west-1c"]) && tolist(aws_subnet.private[*].availability_zone) == tolist(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
    error_message = "private_subnet_azs must list the AZ of each private subnet."
  }
}

run "vpc_endpoints" {
  command = apply

  assert {
    condition     = alltrue([for s in ["ssm", "ssmmessages", "ec2messages", "secretsmanager", "logs", "monitoring"] : contains(keys(aws_vpc_endpoint.interface), s)])
    error_message = "Interface endpoints for SSM, Secrets Manager and CloudWatch must exist."
  }

  assert {
    condition     = aws_vpc_endpoint.interface["ssm"].service_name == "com.amazonaws.eu-west-1.ssm" && aws_vpc_endpoint.interface["ssm"].private_dns_enabled
    error_message = "Interface endpoints must use the regional service name with private DNS."
  }

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" && length(aws_vpc_endpoint.s3.route_table_ids) == 3
    error_message = "The S3 gateway endpoint must be attached to the private route tables."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.endpoints_https.from_port == 443 && aws_vpc_security_group_ingress_rule.endpoints_https.cidr_ipv4 == "10.0.0.0/16"
    error_message = "The endpoint security group must allow 443 from the VPC only."
  }
}

run "single_nat_gateway" {
  command = apply

  variables {
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(distinct(aws_route.private_nat[*].nat_gateway_id)) == 1 && length(aws_route.private_nat) == 3
    error_message = "single_nat_gateway routes all private subnets through one NAT gateway."
  }
}

run "rejects_two_azs" {
  command = plan

  variables {
    azs = ["eu-west-1a", "eu-west-1b"]
  }

  expect_failures = [var.azs]
}

run "rejects_duplicate_azs" {
  command = plan

  variables {
    azs = ["eu-west-1a", "eu-west-1a", "eu-west-1b"]
  }

  expect_failures = [var.azs]
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "Conduit_Prod"
  }

  expect_failures = [var.name]
}
