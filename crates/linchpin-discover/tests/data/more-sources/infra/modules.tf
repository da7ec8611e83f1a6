module "network" {
  source = "github.com/northwind/terraform-network?ref=v3.0.0"
}

module "eks" {
  source  = "app.terraform.io/northwind/eks/aws"
  version = "~> 2.0"
}
