# This file is maintained automatically by "terraform init".
provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.62.0"
  constraints = "~> 5.60"
  hashes = ["h1:abc"]
}

provider "registry.terraform.io/cloudflare/cloudflare" {
  version = "4.40.0"
}
