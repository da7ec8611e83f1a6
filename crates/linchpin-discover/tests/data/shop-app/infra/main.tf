terraform {
  required_version = ">= 1.8"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
    datadog = {
      source = "DataDog/datadog"
    }
    cloudflare = {
      source  = "registry.terraform.io/cloudflare/cloudflare"
      version = "~> 4.0"
    }
  }
}

provider "aws" {
  region = var.region
}

resource "aws_s3_bucket" "assets" {
  bucket = "northwind-assets-${var.env}"
}

data "aws_caller_identity" "current" {}

resource "datadog_monitor" "checkout_latency" {
  name = "Checkout latency"
  type = "metric alert"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.9.0"
}

module "shared" {
  source = "git::https://gitlab.com/northwind/terraform-shared.git?ref=v2"
}

module "local" {
  source = "./modules/dns"
}
