# Maintained by "terraform init".

provider "registry.terraform.io/hashicorp/external" {
  version = "2.3.5"
}

provider "registry.terraform.io/hashicorp/google" {
  version = "7.16.0"
}

provider "registry.terraform.io/hashicorp/google-beta" {
  version = "7.20.0"
}

provider "registry.terraform.io/hashicorp/null" {
  version = "3.2.4"
}

provider "registry.terraform.io/hashicorp/random" {
  version = "3.8.1"
}
