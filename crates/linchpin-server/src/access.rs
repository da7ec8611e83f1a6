//! Who may reach the server and from where: the access mode fixed at
//! start, the checks against other sites (Host, Origin, Sec-Fetch-Site),
//! where a sign-in may send the browser next, cookie attributes, and the
//! CSRF double-submit check. Pure functions over headers, so each door is
//! tested on its own; `http::auth::authenticate` applies them to every
//! request (the Content-Security-Policy is the views', which know the
//! pages' scripts).

use crate::domain::error::{AppError, AppResult};
use axum::http::{header, HeaderMap, Method};
use std::net::{IpAddr, SocketAddr};

/// Whether the server requires signing in. Fixed when the server starts
/// and never changed while it runs: revoking the last token leaves a
/// closed server closed, and creating one on an open server does not lock
/// its user out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Listening on loopback, no tokens when it started: everyone on this
    /// machine is the local admin (a valid bearer token still names its
    /// holder). Requests must name this machine in `Host`.
    Local,
    /// Every request signs in: a bearer token or a session.
    SignIn,
}

impl Access {
    /// The mode for a server bound to `bind` with or without tokens, or why
    /// it must not start: beyond loopback without tokens anyone on the
    /// network could read and change the workflow.
    pub fn at_start(bind: &SocketAddr, tokens: bool) -> Result<Access, String> {
        match (bind.ip().is_loopback(), tokens) {
            (true, false) => Ok(Access::Local),
            (_, true) => Ok(Access::SignIn),
            (false, false) => Err(format!(
                "refusing to listen on {bind} without authentication: anyone on the network could read and change the workflow. Create a token first (`linchpin serve --create-token NAME --role admin`), or bind to 127.0.0.1"
            )),
        }
    }
}

/// The address users reach the server at (`--public-url`), e.g. behind a
/// TLS-terminating proxy: `https://linchpin.example.com`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// `http` or `https`.
    pub scheme: String,
    /// Host name, lower-case (IPv6 in brackets).
    pub host: String,
    /// The origin browsers send: `scheme://host[:port]`.
    pub origin: String,
}

impl PublicUrl {
    /// Parses `--public-url`: http or https, a host, no path, query or
    /// credentials (the server answers at the root of its address).
    pub fn parse(text: &str) -> Result<PublicUrl, String> {
        let url = url::Url::parse(text.trim())
            .map_err(|e| format!("--public-url `{text}` is not a URL: {e}"))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(format!(
                "--public-url `{text}` must start with https:// or http://"
            ));
        }
        let Some(host) = url.host_str() else {
            return Err(format!("--public-url `{text}` has no host"));
        };
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "--public-url `{text}`: the server answers at the root of its address; give it without a path"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("--public-url `{text}` must not carry credentials"));
        }
        Ok(PublicUrl {
            scheme: url.scheme().to_owned(),
            host: host.to_ascii_lowercase(),
            origin: url.origin().ascii_serialization(),
        })
    }

    /// Whether users reach the server over TLS (then cookies are `Secure`).
    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }
}

/// Splits `host[:port]` (IPv6 in brackets) and lower-cases the host.
fn host_of(authority: &str) -> String {
    let authority = authority.trim();
    let host = if let Some(rest) = authority.strip_prefix('[') {
        match rest.find(']') {
            Some(end) => &authority[..end + 2],
            None => authority,
        }
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    host.to_ascii_lowercase()
}

fn is_loopback_host(host: &str) -> bool {
    if host == "localhost" {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Why a request is refused before it reaches a handler, if it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `Host` names another machine: DNS rebinding against the open mode,
    /// or a name the server was not configured for.
    ForeignHost(String),
    /// A state-changing request that a page of another site made.
    CrossSite(String),
}

impl Refusal {
    /// The message for the client.
    pub fn message(&self) -> String {
        match self {
            Refusal::ForeignHost(h) => format!(
                "this server does not answer for host `{h}`; reach it at its own address (or set --public-url)"
            ),
            Refusal::CrossSite(o) => format!(
                "a change from another site ({o}) is refused; make it from this server's own pages or with an API client"
            ),
        }
    }
}

/// Checks a request's `Host`, and for a state-changing method its
/// `Sec-Fetch-Site` and `Origin`, against the server's own address.
///
/// - `Host`: in the open local mode it must name this machine (a loopback
///   name or address, or the public URL's host) — a page of another site
///   whose name was rebound to 127.0.0.1 names its own host. In sign-in
///   mode with a public URL it must be that host or this machine's
///   address; without one any host is answered (sign-in protects it, and a
///   proxy may rename it).
/// - Changes (every method but GET, HEAD and OPTIONS): `Sec-Fetch-Site`,
///   where the browser sends it, must be `same-origin` or `none`; `Origin`,
///   where sent, must be the server's own: the public URL's origin, or the
///   scheme and authority of the request's own `Host`. Clients that send
///   neither (curl, CI jobs) are not browsers a foreign page can drive.
pub fn check_request(
    access: Access,
    bind: &SocketAddr,
    public: Option<&PublicUrl>,
    method: &Method,
    headers: &HeaderMap,
) -> Result<(), Refusal> {
    let host_header = headers
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{fffd}").to_owned());
    if let Some(authority) = &host_header {
        let host = host_of(authority);
        let own = public.is_some_and(|p| p.host == host)
            || is_loopback_host(&host)
            || host_of(&bind.ip().to_string()) == host
            || format!("[{}]", bind.ip()) == host;
        let checked = match access {
            Access::Local => true,
            Access::SignIn => public.is_some(),
        };
        if checked && !own {
            return Err(Refusal::ForeignHost(authority.clone()));
        }
    }
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("");
        if site != "same-origin" && site != "none" {
            return Err(Refusal::CrossSite(format!("Sec-Fetch-Site: {site}")));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("\u{fffd}").trim();
        let scheme = public.map_or("http", |p| p.scheme.as_str());
        let same_as_host = host_header
            .as_deref()
            .is_some_and(|h| origin.eq_ignore_ascii_case(&format!("{scheme}://{}", h.trim())));
        let same_as_public = public.is_some_and(|p| origin.eq_ignore_ascii_case(&p.origin));
        if !same_as_host && !same_as_public {
            return Err(Refusal::CrossSite(format!("Origin: {origin}")));
        }
    }
    Ok(())
}

/// Where a sign-in may send the browser next: an absolute path on this
/// server, and nothing a browser could read as another host (`//host`,
/// `/\host`, or either hidden behind a tab or line break, which browsers
/// drop from URLs), nor anything that cannot go in a `Location` header.
pub fn safe_next(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    let ok = next.len() <= 2048
        && !rest.starts_with('/')
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then_some(next)
}

/// Attributes for the server's cookies: `Secure` when users reach it over
/// https (`--public-url https://...`).
pub fn cookie_attributes(public: Option<&PublicUrl>) -> &'static str {
    if public.is_some_and(PublicUrl::is_https) {
        "Path=/; HttpOnly; SameSite=Strict; Secure"
    } else {
        "Path=/; HttpOnly; SameSite=Strict"
    }
}

/// The CSRF value of this browser (double-submit cookie), in request extensions.
#[derive(Debug, Clone)]
pub struct Csrf(pub String);

/// Checks a form's CSRF field against the browser's cookie.
pub fn check_csrf(csrf: &Csrf, submitted: &str) -> AppResult<()> {
    if !csrf.0.is_empty() && constant_eq(csrf.0.as_bytes(), submitted.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the form is stale or came from another site (CSRF check); reload the page and try again".to_owned(),
        ))
    }
}

/// Compares in time that does not depend on where they differ.
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn local() -> SocketAddr {
        "127.0.0.1:7878".parse().unwrap()
    }

    #[test]
    fn the_mode_is_fixed_by_the_address_and_the_tokens() {
        assert_eq!(Access::at_start(&local(), false), Ok(Access::Local));
        assert_eq!(Access::at_start(&local(), true), Ok(Access::SignIn));
        let all: SocketAddr = "0.0.0.0:7878".parse().unwrap();
        assert_eq!(Access::at_start(&all, true), Ok(Access::SignIn));
        assert!(Access::at_start(&all, false).is_err());
    }

    #[test]
    fn a_rebound_host_is_refused_in_the_open_mode() {
        let check = |host: &str| {
            check_request(
                Access::Local,
                &local(),
                None,
                &Method::GET,
                &headers(&[("host", host)]),
            )
        };
        assert!(check("127.0.0.1:7878").is_ok());
        assert!(check("localhost:7878").is_ok());
        assert!(check("[::1]:7878").is_ok());
        assert!(check("127.0.0.2").is_ok());
        assert!(check("evil.example:7878").is_err());
        assert!(check("localhost.evil.example").is_err());
        assert!(check("127.0.0.1.nip.io:7878").is_err());
    }

    #[test]
    fn changes_from_other_sites_are_refused_in_every_mode() {
        for access in [Access::Local, Access::SignIn] {
            let post = |pairs: &[(&'static str, &str)]| {
                check_request(access, &local(), None, &Method::POST, &headers(pairs))
            };
            assert!(post(&[
                ("host", "127.0.0.1:7878"),
                ("origin", "http://127.0.0.1:7878")
            ])
            .is_ok());
            assert!(post(&[("host", "127.0.0.1:7878")]).is_ok(), "an API client");
            assert!(post(&[
                ("host", "127.0.0.1:7878"),
                ("origin", "http://evil.example")
            ])
            .is_err());
            assert!(post(&[("host", "127.0.0.1:7878"), ("origin", "null")]).is_err());
            assert!(
                post(&[
                    ("host", "127.0.0.1:7878"),
                    ("origin", "http://localhost:3000")
                ])
                .is_err(),
                "another local app"
            );
            assert!(post(&[("host", "127.0.0.1:7878"), ("sec-fetch-site", "cross-site")]).is_err());
            assert!(post(&[("host", "127.0.0.1:7878"), ("sec-fetch-site", "same-site")]).is_err());
            assert!(post(&[
                ("host", "127.0.0.1:7878"),
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://127.0.0.1:7878")
            ])
            .is_ok());
            // Reading is not a change.
            assert!(check_request(
                access,
                &local(),
                None,
                &Method::GET,
                &headers(&[("host", "127.0.0.1:7878"), ("sec-fetch-site", "cross-site")])
            )
            .is_ok());
        }
    }

    #[test]
    fn behind_a_proxy_the_public_url_is_the_origin() {
        let public = PublicUrl::parse("https://linchpin.example.com").unwrap();
        let all: SocketAddr = "0.0.0.0:7878".parse().unwrap();
        let post = |pairs: &[(&'static str, &str)]| {
            check_request(
                Access::SignIn,
                &all,
                Some(&public),
                &Method::POST,
                &headers(pairs),
            )
        };
        assert!(post(&[
            ("host", "linchpin.example.com"),
            ("origin", "https://linchpin.example.com")
        ])
        .is_ok());
        assert!(post(&[
            ("host", "linchpin.example.com"),
            ("origin", "http://linchpin.example.com")
        ])
        .is_err());
        assert!(post(&[
            ("host", "evil.example"),
            ("origin", "https://linchpin.example.com")
        ])
        .is_err());
        assert!(PublicUrl::parse("ftp://x").is_err());
        assert!(PublicUrl::parse("https://x/sub").is_err());
        assert!(PublicUrl::parse("https://u:p@x").is_err());
        assert_eq!(
            cookie_attributes(Some(&public)),
            "Path=/; HttpOnly; SameSite=Strict; Secure"
        );
        assert!(!cookie_attributes(None).contains("Secure"));
    }

    #[test]
    fn sign_in_sends_the_browser_only_to_this_server() {
        assert_eq!(safe_next("/suppliers?x=1"), Some("/suppliers?x=1"));
        assert_eq!(safe_next("/"), Some("/"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ok\r\nSet-Cookie: x=1",
            "https://evil.example",
            "evil.example",
            "/%09/x\\",
            "",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
