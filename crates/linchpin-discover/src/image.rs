//! Container image references: `[registry[:port]/][namespace/]name[:tag][@digest]`.

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The registry host (with port), `docker.io` when none is given.
    pub registry: String,
    /// The repository path without registry, tag or digest (`library/nginx`).
    pub repository: String,
}

impl ImageRef {
    /// The first path component: the publisher's namespace on the registry.
    pub fn namespace(&self) -> Option<&str> {
        let mut parts = self.repository.split('/');
        let first = parts.next()?;
        parts.next().map(|_| first)
    }
}

/// Parses an image reference as Docker does; `None` for what cannot be one
/// (empty, unexpanded variables, spaces).
pub fn parse(text: &str) -> Option<ImageRef> {
    let text = text.trim().trim_matches(['"', '\'']);
    if text.is_empty()
        || text.contains(char::is_whitespace)
        || text.contains('$')
        || text.contains('{')
    {
        return None;
    }
    let text = text.strip_prefix("docker://").unwrap_or(text);
    // Strip the digest, then the tag (a `:` after the last `/`).
    let without_digest = text.split('@').next()?;
    let name = match without_digest.rfind(':') {
        Some(colon) if !without_digest[colon..].contains('/') => &without_digest[..colon],
        _ => without_digest,
    };
    let (registry, repository) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
            (first.to_ascii_lowercase(), rest.to_owned())
        }
        Some(_) => ("docker.io".to_owned(), name.to_owned()),
        None => ("docker.io".to_owned(), format!("library/{name}")),
    };
    let registry = match registry.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".to_owned()
        }
        _ => registry,
    };
    if repository.is_empty()
        || !repository
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
    {
        return None;
    }
    Some(ImageRef {
        registry,
        repository: repository.to_ascii_lowercase(),
    })
}

/// Docker Hub's official images (`docker.io/library/…`) most often
/// pulled by name alone. A bare name outside this list is not counted as a
/// Docker Hub pull: it is most often a placeholder (`image: adservice`)
/// that skaffold, kustomize or a build replaces.
const OFFICIAL: &[&str] = &[
    "adminer",
    "almalinux",
    "alpine",
    "amazoncorretto",
    "amazonlinux",
    "archlinux",
    "bash",
    "bonita",
    "buildpack-deps",
    "busybox",
    "caddy",
    "cassandra",
    "centos",
    "chronograf",
    "clearlinux",
    "clojure",
    "composer",
    "consul",
    "couchbase",
    "couchdb",
    "crate",
    "dart",
    "debian",
    "docker",
    "drupal",
    "eclipse-mosquitto",
    "eclipse-temurin",
    "elasticsearch",
    "elixir",
    "emqx",
    "erlang",
    "fedora",
    "flink",
    "fluentd",
    "gcc",
    "ghost",
    "golang",
    "gradle",
    "groovy",
    "haproxy",
    "haskell",
    "hello-world",
    "httpd",
    "influxdb",
    "jetty",
    "jruby",
    "julia",
    "kibana",
    "kong",
    "liquibase",
    "logstash",
    "mariadb",
    "matomo",
    "maven",
    "memcached",
    "mongo",
    "mongo-express",
    "mysql",
    "nats",
    "neo4j",
    "nextcloud",
    "nginx",
    "node",
    "odoo",
    "openjdk",
    "oraclelinux",
    "owncloud",
    "percona",
    "perl",
    "photon",
    "php",
    "phpmyadmin",
    "postgres",
    "pypy",
    "python",
    "r-base",
    "rabbitmq",
    "redis",
    "redmine",
    "registry",
    "rockylinux",
    "ruby",
    "rust",
    "sonarqube",
    "solr",
    "swift",
    "telegraf",
    "tomcat",
    "tomee",
    "traefik",
    "ubuntu",
    "varnish",
    "wordpress",
    "zookeeper",
];

/// Whether `repository` (`library/nginx`) is one of Docker Hub's official
/// images, or is not a bare name at all (`bitnami/redis`).
pub fn is_official(repository: &str) -> bool {
    match repository.strip_prefix("library/") {
        Some(name) => OFFICIAL.contains(&name),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_images_like_docker() {
        let p = |s: &str| parse(s).map(|i| (i.registry, i.repository));
        assert_eq!(
            p("nginx"),
            Some(("docker.io".into(), "library/nginx".into()))
        );
        assert_eq!(
            p("nginx:1.25-alpine"),
            Some(("docker.io".into(), "library/nginx".into()))
        );
        assert_eq!(
            p("hashicorp/terraform:1.9"),
            Some(("docker.io".into(), "hashicorp/terraform".into()))
        );
        assert_eq!(
            p("ghcr.io/org/app@sha256:abc"),
            Some(("ghcr.io".into(), "org/app".into()))
        );
        assert_eq!(
            p("registry.example.com:5000/team/app:2"),
            Some(("registry.example.com:5000".into(), "team/app".into()))
        );
        assert_eq!(p("localhost/app"), Some(("localhost".into(), "app".into())));
        assert_eq!(
            p("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:latest")
                .unwrap()
                .0,
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            p("docker://alpine:3.20"),
            Some(("docker.io".into(), "library/alpine".into()))
        );
        assert_eq!(p("${REGISTRY}/app"), None);
        assert_eq!(p(""), None);
        assert_eq!(
            parse("quay.io/keycloak/keycloak:25").unwrap().namespace(),
            Some("keycloak")
        );
    }
}
