# A GKE cluster for the shop, and optionally a managed Redis for the carts.
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "7.16.0"
    }
  }
}

provider "google" {
  project = var.gcp_project_id
  region  = var.region
}

resource "google_project_service" "container" {
  service = "container.googleapis.com"
}

resource "google_container_cluster" "shop" {
  name             = var.name
  location         = var.region
  enable_autopilot = true
  depends_on       = [google_project_service.container]
}

resource "google_redis_instance" "carts" {
  count          = var.memorystore ? 1 : 0
  name           = "carts"
  memory_size_gb = 1
}

resource "null_resource" "apply" {
  provisioner "local-exec" {
    command = "kubectl apply -k ../kustomize"
  }
}
