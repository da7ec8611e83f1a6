# This file is maintained automatically by "terraform init".

provider "registry.terraform.io/phillbaker/elasticsearch" {
  version = "2.0.7"
}
