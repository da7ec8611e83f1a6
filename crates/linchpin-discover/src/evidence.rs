//! Evidence: one sign, in one file at one line, that the code or
//! infrastructure relies on a vendor.

use std::fmt;

/// What kind of sign it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A URL to the vendor in a source or config file.
    Url,
    /// A bare hostname of the vendor (an SMTP host, an endpoint setting).
    Hostname,
    /// A URL or host of the vendor in a string literal of source code, on
    /// a line that is not a comment: an endpoint the program calls
    /// (`fetch("https://api.zoom.us/v2/…")`).
    Endpoint,
    /// A container image pulled from the vendor's registry.
    ContainerRegistry,
    /// A container image the vendor publishes.
    ImagePublisher,
    /// A CI/CD platform the pipeline runs on.
    CiPlatform,
    /// A GitHub action the vendor publishes.
    GithubAction,
    /// A third party's CI action or template a pipeline runs (`uses:` of
    /// a GitHub workflow): the owner is a supplier of the pipeline.
    CiAction,
    /// A CI runner label naming a runner provider (`runs-on: depot-ubuntu-22.04`).
    CiRunner,
    /// A catalog or Kubernetes annotation key of the vendor's
    /// (`sonarqube.org/project-key`, `argocd/app-name`).
    Annotation,
    /// Packages resolved from the vendor's registry (a lockfile).
    PackageRegistry,
    /// The vendor's client library, a direct dependency in a manifest
    /// (`stripe` in `package.json`, `boto3` in `requirements.txt`).
    Sdk,
    /// A Terraform provider or module source.
    Terraform,
    /// A server of an API description (OpenAPI, AsyncAPI).
    ApiServer,
    /// A Kubernetes `ExternalName` service pointing at the vendor.
    ExternalService,
    /// A component or service of a software bill of materials.
    Sbom,
}

impl Kind {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Url => "url",
            Kind::Hostname => "hostname",
            Kind::Endpoint => "endpoint",
            Kind::ContainerRegistry => "container-registry",
            Kind::ImagePublisher => "image-publisher",
            Kind::CiPlatform => "ci-platform",
            Kind::GithubAction => "github-action",
            Kind::CiAction => "ci-action",
            Kind::CiRunner => "ci-runner",
            Kind::Annotation => "annotation",
            Kind::PackageRegistry => "package-registry",
            Kind::Sdk => "sdk",
            Kind::Terraform => "terraform",
            Kind::ApiServer => "api-server",
            Kind::ExternalService => "external-service",
            Kind::Sbom => "sbom",
        }
    }

    /// Whether it comes from a structured source (a parser), not from a
    /// string found in text: stronger evidence.
    pub fn is_structured(self) -> bool {
        !matches!(self, Kind::Url | Kind::Hostname)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The vendor id it points at.
    pub vendor: String,
    /// The kind of sign.
    pub kind: Kind,
    /// The matched value (a host, an image, an action, `412 packages`).
    pub value: String,
    /// The file, relative to the scanned path, `/`-separated.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// How often the same value appears in the file.
    pub count: u32,
    /// For CI actions: whether the reference is pinned to a full commit
    /// (a tag or a branch can be moved to other code by whoever controls it).
    pub pinned: Option<bool>,
}
