//! Reading `linchpin.toml` at the landscape root.

use linchpin_diagnostics::{codes, did_you_mean, Diagnostic, FileId, Severity, SourceMap, Span};
use linchpin_model::{Config, Duration};
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// The file name.
pub const FILE: &str = "linchpin.toml";

/// Reads the config if the landscape has one; problems become diagnostics
/// and the defaults stand in for what could not be read.
#[allow(clippy::disallowed_methods)] // the loader is the crate that reads files
pub fn read_config(
    root: &Path,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Config {
    let mut config = Config::default();
    let path = root.join(FILE);
    if !path.is_file() {
        return config;
    }
    // As for the landscape's files: a link out of the landscape is not read.
    let inside = match (path.canonicalize(), root.canonicalize()) {
        (Ok(real), Ok(root)) => real.starts_with(root),
        _ => true,
    };
    if !inside {
        let file = sources.add(FILE.into(), String::new());
        diagnostics.push(
            Diagnostic::in_file(
                "symlink-outside-root",
                file,
                format!("{FILE} is a symbolic link leading outside the landscape folder; it was not read (the defaults apply)"),
            )
            .with_help("move the file into the landscape, or run Linchpin on a folder that contains both"),
        );
        return config;
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            let file = sources.add(FILE.into(), String::new());
            diagnostics.push(Diagnostic::in_file(
                "io-error",
                file,
                format!("cannot read {FILE}: {e}"),
            ));
            return config;
        }
    };
    let file = sources.add(FILE.into(), text.clone());
    let at = |range: std::ops::Range<usize>| span_at(&text, file, range);
    let table = match DeTable::parse(&text) {
        Ok(t) => t.into_inner(),
        Err(e) => {
            let span = e.span().map_or(Span::file_start(file), &at);
            diagnostics.push(Diagnostic::at(
                "config-invalid",
                span,
                format!("invalid TOML: {}", e.message().trim()),
            ));
            return config;
        }
    };
    for (key, value) in &table {
        let name = key.get_ref().as_ref();
        let DeValue::Table(section) = value.get_ref() else {
            diagnostics.push(Diagnostic::at(
                "config-invalid",
                at(key.span()),
                format!("`{name}` must be a table, e.g. `[{name}]`"),
            ));
            continue;
        };
        match name {
            "severity" => {
                for (id, v) in section {
                    let id_text = id.get_ref().as_ref();
                    if !codes::is_finding(id_text) {
                        let ids = codes::FINDINGS.iter().map(|c| c.code);
                        let mut d = Diagnostic::at(
                            "config-unknown-key",
                            at(id.span()),
                            format!("`{id_text}` is not a finding id"),
                        );
                        if let Some(near) = did_you_mean(id_text, ids) {
                            d = d.with_help(format!("did you mean `{near}`?"));
                        }
                        diagnostics.push(d);
                        continue;
                    }
                    let severity = match v.get_ref() {
                        DeValue::String(s) => match s.as_ref() {
                            "error" => Some(Some(Severity::Error)),
                            "warning" => Some(Some(Severity::Warning)),
                            "info" => Some(Some(Severity::Info)),
                            "off" => Some(None),
                            _ => None,
                        },
                        _ => None,
                    };
                    match severity {
                        Some(s) => {
                            config.severity.insert(id_text.to_owned(), s);
                        }
                        None => diagnostics.push(Diagnostic::at(
                            "config-invalid",
                            at(v.span()),
                            format!("the severity of `{id_text}` must be \"error\", \"warning\", \"info\" or \"off\""),
                        )),
                    }
                }
            }
            "thresholds" => {
                for (k, v) in section {
                    let k_text = k.get_ref().as_ref();
                    let DeValue::String(s) = v.get_ref() else {
                        diagnostics.push(Diagnostic::at(
                            "config-invalid",
                            at(v.span()),
                            format!("`{k_text}` must be a duration string such as \"90d\""),
                        ));
                        continue;
                    };
                    match Duration::parse(s) {
                        Ok(d) => {
                            if !config.set_threshold(k_text, d) {
                                let mut diag = Diagnostic::at(
                                    "config-unknown-key",
                                    at(k.span()),
                                    format!("`{k_text}` is not a threshold"),
                                );
                                if let Some(near) =
                                    did_you_mean(k_text, Config::THRESHOLDS.iter().copied())
                                {
                                    diag = diag.with_help(format!("did you mean `{near}`?"));
                                }
                                diagnostics.push(diag);
                            }
                        }
                        Err(e) => diagnostics.push(Diagnostic::at(
                            "config-invalid",
                            at(v.span()),
                            format!("`{s}` is not a duration: {e}"),
                        )),
                    }
                }
            }
            "notify" => notify(section, &mut config.notify, &at, diagnostics),
            "risk" => risk(section, &mut config.risk, &at, diagnostics),
            other => {
                let mut d = Diagnostic::at(
                    "config-unknown-key",
                    at(key.span()),
                    format!("`[{other}]` is not a section of {FILE}"),
                );
                if let Some(near) =
                    did_you_mean(other, ["severity", "thresholds", "notify", "risk"])
                {
                    d = d.with_help(format!("did you mean `[{near}]`?"));
                }
                diagnostics.push(d);
            }
        }
    }
    config
}

/// `[notify]` and its tables `[notify.smtp]`, `[notify.teams]`.
fn notify(
    section: &DeTable<'_>,
    n: &mut linchpin_model::config::Notify,
    at: &dyn Fn(std::ops::Range<usize>) -> Span,
    diagnostics: &mut Vec<Diagnostic>,
) {
    use linchpin_model::config::{Digest, Smtp, SmtpSecurity, WEEKDAYS};
    let weekday = |s: &str| {
        WEEKDAYS
            .iter()
            .position(|d| d.eq_ignore_ascii_case(s))
            .map(|i| i as u8)
    };
    let strings = |v: &DeValue<'_>| -> Option<Vec<String>> {
        match v {
            DeValue::Array(items) => items
                .iter()
                .map(|i| match i.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect(),
            DeValue::String(s) => Some(vec![s.to_string()]),
            _ => None,
        }
    };
    const KEYS: &[&str] = &[
        "digest",
        "hour",
        "quiet-days",
        "immediate",
        "admins",
        "teams",
        "smtp",
    ];
    let mut weekly_day: Option<u8> = None;
    for (k, v) in section {
        let key = k.get_ref().as_ref();
        let range = v.span();
        match (key, v.get_ref()) {
            ("digest", DeValue::String(s)) => {
                let s = s.as_ref();
                n.digest = match s {
                    "off" => Digest::Off,
                    "daily" => Digest::Daily,
                    "weekly" => Digest::Weekly(weekly_day.unwrap_or(0)),
                    _ => match s.strip_prefix("weekly:").and_then(weekday) {
                        Some(d) => {
                            weekly_day = Some(d);
                            Digest::Weekly(d)
                        }
                        None => {
                            invalid_value(diagnostics, at, range, format!("`digest` is \"daily\", \"weekly\", \"weekly:DAY\" (\"weekly:monday\") or \"off\", not \"{s}\""));
                            continue;
                        }
                    },
                };
            }
            ("hour", DeValue::Integer(i)) => match i.as_str().parse::<u8>() {
                Ok(h) if h < 24 => n.hour = h,
                _ => invalid_value(diagnostics, at, range, "`hour` is the hour of the day (UTC) from 0 to 23".into()),
            },
            ("quiet-days", v) => match strings(v).and_then(|days| days.iter().map(|d| weekday(d)).collect::<Option<Vec<u8>>>()) {
                Some(days) => n.quiet_days = days,
                None => invalid_value(diagnostics, at, range, "`quiet-days` lists days of the week: [\"saturday\", \"sunday\"], or [] for none".into()),
            },
            ("immediate", DeValue::Boolean(b)) => n.immediate = *b,
            ("admins", v) => match strings(v) {
                Some(list) if list.iter().all(|a| a.contains('@')) => n.admins = list,
                _ => invalid_value(diagnostics, at, range, "`admins` lists e-mail addresses".into()),
            },
            ("teams", DeValue::Table(t)) => {
                for (team, addrs) in t {
                    match strings(addrs.get_ref()) {
                        Some(list) if list.iter().all(|a| a.contains('@')) => {
                            n.teams.insert(team.get_ref().to_string(), list);
                        }
                        _ => invalid_value(diagnostics, at, addrs.span(), format!("the addresses of team `{}` must be a list of e-mail addresses", team.get_ref())),
                    }
                }
            }
            ("smtp", DeValue::Table(t)) => {
                let mut host = None;
                let mut port = None;
                let mut security = SmtpSecurity::Starttls;
                let mut username = None;
                let mut password_env = None;
                let mut from = None;
                const SMTP: &[&str] = &["host", "port", "security", "username", "password-env", "from"];
                for (sk, sv) in t {
                    let skey = sk.get_ref().as_ref();
                    match (skey, sv.get_ref()) {
                        ("host", DeValue::String(s)) => host = Some(s.to_string()),
                        ("port", DeValue::Integer(i)) => match i.as_str().parse::<u16>() {
                            Ok(p) if p > 0 => port = Some(p),
                            _ => invalid_value(diagnostics, at, sv.span(), "`port` is a TCP port, 1 to 65535".into()),
                        },
                        ("security", DeValue::String(s)) => {
                            security = match s.as_ref() {
                                "starttls" => SmtpSecurity::Starttls,
                                "tls" => SmtpSecurity::Tls,
                                "none" => SmtpSecurity::None,
                                other => {
                                    invalid_value(diagnostics, at, sv.span(), format!("`security` is \"starttls\", \"tls\" or \"none\", not \"{other}\""));
                                    continue;
                                }
                            }
                        }
                        ("username", DeValue::String(s)) => username = Some(s.to_string()),
                        ("password-env", DeValue::String(s)) => password_env = Some(s.to_string()),
                        ("password", _) => diagnostics.push(
                            Diagnostic::at("config-invalid", at(sk.span()), format!("a password does not belong in {FILE}, which lives in git"))
                                .with_help("put it in an environment variable of the server and name that variable: `password-env = \"LINCHPIN_SMTP_PASSWORD\"`"),
                        ),
                        ("from", DeValue::String(s)) => from = Some(s.to_string()),
                        (k2, _) if SMTP.contains(&k2) => invalid_value(diagnostics, at, sv.span(), format!("`{k2}` has the wrong type")),
                        (k2, _) => unknown_key(diagnostics, at, sk.span(), k2, SMTP),
                    }
                }
                match (host, from) {
                    (Some(host), Some(from)) => {
                        n.smtp = Some(Smtp {
                            port: port.unwrap_or(match security {
                                SmtpSecurity::Starttls => 587,
                                SmtpSecurity::Tls => 465,
                                SmtpSecurity::None => 25,
                            }),
                            host,
                            security,
                            username,
                            password_env,
                            from,
                        })
                    }
                    _ => invalid_value(diagnostics, at, k.span(), "`[notify.smtp]` needs `host` and `from`".into()),
                }
            }
            ("webhook", DeValue::Array(hooks)) => {
                use linchpin_model::config::{Webhook, WebhookFormat, WebhookUrl};
                const HOOK: &[&str] = &["url", "url-env", "format", "secret-env", "events"];
                for hook in hooks {
                    let DeValue::Table(t) = hook.get_ref() else {
                        invalid_value(diagnostics, at, hook.span(), "each webhook is a table: `[[notify.webhook]]`".into());
                        continue;
                    };
                    let mut url = None;
                    let mut format = WebhookFormat::Json;
                    let mut secret_env = None;
                    let mut events = Vec::new();
                    for (hk, hv) in t {
                        let hkey = hk.get_ref().as_ref();
                        match (hkey, hv.get_ref()) {
                            ("url", DeValue::String(u)) => match url::Url::parse(u) {
                                Ok(parsed) if matches!(parsed.scheme(), "https" | "http") && parsed.host().is_some() => {
                                    url = Some(WebhookUrl::Url(u.to_string()));
                                }
                                _ => invalid_value(diagnostics, at, hv.span(), format!("`url` must be an http(s) address, not `{u}`")),
                            },
                            ("url-env", DeValue::String(v)) => url = Some(WebhookUrl::Env(v.to_string())),
                            ("format", DeValue::String(f)) => {
                                format = match f.as_ref() {
                                    "json" => WebhookFormat::Json,
                                    "chat" | "slack" | "mattermost" | "teams" => WebhookFormat::Chat,
                                    other => {
                                        invalid_value(diagnostics, at, hv.span(), format!("`format` is \"json\" (Linchpin's event) or \"chat\" (Slack, Mattermost, Teams), not \"{other}\""));
                                        continue;
                                    }
                                }
                            }
                            ("secret-env", DeValue::String(v)) => secret_env = Some(v.to_string()),
                            ("secret", _) => diagnostics.push(
                                Diagnostic::at("config-invalid", at(hk.span()), format!("a secret does not belong in {FILE}, which lives in git"))
                                    .with_help("put it in an environment variable of the server and name that variable: `secret-env = \"LINCHPIN_WEBHOOK_SECRET\"`"),
                            ),
                            ("events", v) => match strings(v) {
                                Some(list) if list.iter().all(|e| ["digest", "overdue", "rejected"].contains(&e.as_str())) => events = list,
                                _ => invalid_value(diagnostics, at, hv.span(), "`events` lists \"digest\", \"overdue\" and \"rejected\"".into()),
                            },
                            (h, _) if HOOK.contains(&h) => invalid_value(diagnostics, at, hv.span(), format!("`{h}` has the wrong type")),
                            (h, _) => unknown_key(diagnostics, at, hk.span(), h, HOOK),
                        }
                    }
                    match url {
                        Some(url) => n.webhooks.push(Webhook { url, format, secret_env, events }),
                        None => invalid_value(diagnostics, at, hook.span(), "a webhook needs `url` (or `url-env`, the variable that holds it)".into()),
                    }
                }
            }
            (k2, _) if KEYS.contains(&k2) => invalid_value(diagnostics, at, range, format!("`{k2}` has the wrong type")),
            (k2, _) => unknown_key(diagnostics, at, k.span(), k2, KEYS),
        }
    }
}

/// `[risk]`: the currency and `[[risk.action]]` (docs/risk.md).
fn risk(
    section: &DeTable<'_>,
    r: &mut linchpin_model::RiskConfig,
    at: &dyn Fn(std::ops::Range<usize>) -> Span,
    diagnostics: &mut Vec<Diagnostic>,
) {
    use linchpin_model::{Action, AddAlternative, Spanned, SupplierChange};
    let number = |v: &DeValue<'_>| -> Option<f64> {
        match v {
            DeValue::Integer(i) => i.as_str().replace('_', "").parse().ok(),
            DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
            _ => None,
        }
        .filter(|x: &f64| x.is_finite() && *x >= 0.0)
    };
    let percentage = |v: &DeValue<'_>| -> Option<f64> {
        match v {
            DeValue::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok(),
            other => number(other),
        }
        .filter(|x| (0.0..100.0).contains(x))
        .map(|x| x / 100.0)
    };
    const KEYS: &[&str] = &["currency", "action"];
    for (k, v) in section {
        let key = k.get_ref().as_ref();
        match (key, v.get_ref()) {
            ("currency", DeValue::String(c)) => {
                if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
                    r.currency = Some(c.to_string());
                } else {
                    invalid_value(diagnostics, at, v.span(), format!("`{c}` is not an ISO 4217 currency code; use three upper-case letters, e.g. \"EUR\""));
                }
            }
            ("action", DeValue::Array(actions)) => {
                const ACTION: &[&str] =
                    &["name", "title", "yearly-cost", "alternative", "supplier"];
                for action in actions {
                    let DeValue::Table(t) = action.get_ref() else {
                        invalid_value(
                            diagnostics,
                            at,
                            action.span(),
                            "each action is a table: `[[risk.action]]`".into(),
                        );
                        continue;
                    };
                    let mut name = None;
                    let mut title = None;
                    let mut yearly_cost = None;
                    let mut alternatives = Vec::new();
                    let mut suppliers = Vec::new();
                    for (ak, av) in t {
                        let akey = ak.get_ref().as_ref();
                        match (akey, av.get_ref()) {
                            ("name", DeValue::String(s)) => name = Some(s.to_string()),
                            ("title", DeValue::String(s)) => title = Some(s.to_string()),
                            ("yearly-cost", value) => match number(value) {
                                Some(c) => yearly_cost = Some(c),
                                None => invalid_value(
                                    diagnostics,
                                    at,
                                    av.span(),
                                    "`yearly-cost` is an amount of zero or more".into(),
                                ),
                            },
                            ("alternative", DeValue::Array(items)) => {
                                const ALT: &[&str] = &["at", "on", "add", "switchover"];
                                for item in items {
                                    let DeValue::Table(t) = item.get_ref() else {
                                        invalid_value(diagnostics, at, item.span(), "each alternative is a table: `[[risk.action.alternative]]`".into());
                                        continue;
                                    };
                                    let mut at_ref = None;
                                    let mut on = None;
                                    let mut add = Vec::new();
                                    let mut switchover = None;
                                    for (xk, xv) in t {
                                        let xkey = xk.get_ref().as_ref();
                                        let spanned =
                                            |s: &str| Spanned::new(s.to_owned(), at(xv.span()));
                                        match (xkey, xv.get_ref()) {
                                            ("at", DeValue::String(s)) => at_ref = Some(spanned(s)),
                                            ("on", DeValue::String(s)) => on = Some(spanned(s)),
                                            ("add", DeValue::String(s)) => add.push(spanned(s)),
                                            ("add", DeValue::Array(list)) => {
                                                for entry in list {
                                                    match entry.get_ref() {
                                                        DeValue::String(s) => {
                                                            add.push(Spanned::new(
                                                                s.to_string(),
                                                                at(entry.span()),
                                                            ))
                                                        }
                                                        _ => invalid_value(
                                                            diagnostics,
                                                            at,
                                                            entry.span(),
                                                            "`add` lists entity references".into(),
                                                        ),
                                                    }
                                                }
                                            }
                                            ("switchover", DeValue::String(s)) => {
                                                match Duration::parse(s) {
                                                    Ok(d) => switchover = Some(d),
                                                    Err(e) => invalid_value(
                                                        diagnostics,
                                                        at,
                                                        xv.span(),
                                                        format!("`{s}` is not a duration: {e}"),
                                                    ),
                                                }
                                            }
                                            (x, _) if ALT.contains(&x) => invalid_value(
                                                diagnostics,
                                                at,
                                                xv.span(),
                                                format!("`{x}` has the wrong type"),
                                            ),
                                            (x, _) => {
                                                unknown_key(diagnostics, at, xk.span(), x, ALT)
                                            }
                                        }
                                    }
                                    match (at_ref, on) {
                                        (Some(at_ref), Some(on)) if !add.is_empty() => alternatives.push(AddAlternative { at: at_ref, on, add, switchover }),
                                        _ => invalid_value(diagnostics, at, item.span(), "an alternative needs `at` (the entity that switches), `on` (what it depends on now) and `add` (the alternatives)".into()),
                                    }
                                }
                            }
                            ("supplier", DeValue::Array(items)) => {
                                const SUP: &[&str] = &[
                                    "ref",
                                    "max-outage",
                                    "per-year",
                                    "exit-lead-time",
                                    "permanent-per-year",
                                ];
                                for item in items {
                                    let DeValue::Table(t) = item.get_ref() else {
                                        invalid_value(diagnostics, at, item.span(), "each supplier change is a table: `[[risk.action.supplier]]`".into());
                                        continue;
                                    };
                                    let mut supplier = None;
                                    let mut change = SupplierChange {
                                        supplier: Spanned::new(String::new(), at(item.span())),
                                        max_outage: None,
                                        per_year: None,
                                        exit_lead_time: None,
                                        permanent_per_year: None,
                                    };
                                    for (xk, xv) in t {
                                        let xkey = xk.get_ref().as_ref();
                                        let duration =
                                            |diagnostics: &mut Vec<Diagnostic>, v: &DeValue<'_>| {
                                                match v {
                                                    DeValue::String(s) => {
                                                        match Duration::parse(s) {
                                                            Ok(d) => Some(d),
                                                            Err(e) => {
                                                                invalid_value(diagnostics, at, xv.span(), format!("`{s}` is not a duration: {e}"));
                                                                None
                                                            }
                                                        }
                                                    }
                                                    _ => {
                                                        invalid_value(diagnostics, at, xv.span(), format!("`{xkey}` is a duration such as \"4h\""));
                                                        None
                                                    }
                                                }
                                            };
                                        match (xkey, xv.get_ref()) {
                                            ("ref", DeValue::String(s)) => supplier = Some(Spanned::new(s.to_string(), at(xv.span()))),
                                            ("max-outage", v) => change.max_outage = duration(diagnostics, v),
                                            ("exit-lead-time", v) => change.exit_lead_time = duration(diagnostics, v),
                                            ("per-year", v) => match number(v) {
                                                Some(n) => change.per_year = Some(n),
                                                None => invalid_value(diagnostics, at, xv.span(), "`per-year` is a number of outages a year, zero or more".into()),
                                            },
                                            ("permanent-per-year", v) => match percentage(v) {
                                                Some(p) => change.permanent_per_year = Some(p),
                                                None => invalid_value(diagnostics, at, xv.span(), "`permanent-per-year` is a percentage below 100, e.g. \"0.1%\"".into()),
                                            },
                                            (x, _) if SUP.contains(&x) => invalid_value(diagnostics, at, xv.span(), format!("`{x}` has the wrong type")),
                                            (x, _) => unknown_key(diagnostics, at, xk.span(), x, SUP),
                                        }
                                    }
                                    match supplier {
                                        Some(s) => {
                                            change.supplier = s;
                                            suppliers.push(change);
                                        }
                                        None => invalid_value(diagnostics, at, item.span(), "a supplier change needs `ref`, the supplier it changes".into()),
                                    }
                                }
                            }
                            (x, _) if ACTION.contains(&x) => invalid_value(
                                diagnostics,
                                at,
                                av.span(),
                                format!("`{x}` has the wrong type"),
                            ),
                            (x, _) => unknown_key(diagnostics, at, ak.span(), x, ACTION),
                        }
                    }
                    match (name, yearly_cost) {
                        (Some(name), Some(yearly_cost)) => {
                            if r.actions.iter().any(|a| a.name == name) {
                                invalid_value(
                                    diagnostics,
                                    at,
                                    action.span(),
                                    format!("two actions are named `{name}`"),
                                );
                                continue;
                            }
                            if alternatives.is_empty() && suppliers.is_empty() {
                                invalid_value(diagnostics, at, action.span(), format!("action `{name}` changes nothing: give it `[[risk.action.alternative]]` or `[[risk.action.supplier]]`"));
                                continue;
                            }
                            r.actions.push(Action {
                                name,
                                title,
                                yearly_cost,
                                alternatives,
                                suppliers,
                                span: at(action.span()),
                            });
                        }
                        _ => invalid_value(
                            diagnostics,
                            at,
                            action.span(),
                            "an action needs `name` and `yearly-cost`".into(),
                        ),
                    }
                }
            }
            (k2, _) if KEYS.contains(&k2) => invalid_value(
                diagnostics,
                at,
                v.span(),
                format!("`{k2}` has the wrong type"),
            ),
            (k2, _) => unknown_key(diagnostics, at, k.span(), k2, KEYS),
        }
    }
}

/// A setting with a value it cannot have.
fn invalid_value(
    diagnostics: &mut Vec<Diagnostic>,
    at: &dyn Fn(std::ops::Range<usize>) -> Span,
    range: std::ops::Range<usize>,
    message: String,
) {
    diagnostics.push(Diagnostic::at("config-invalid", at(range), message));
}

/// A key that is not a setting of its section, with the nearest one.
fn unknown_key(
    diagnostics: &mut Vec<Diagnostic>,
    at: &dyn Fn(std::ops::Range<usize>) -> Span,
    range: std::ops::Range<usize>,
    key: &str,
    known: &[&str],
) {
    let mut d = Diagnostic::at(
        "config-unknown-key",
        at(range),
        format!("`{key}` is not a setting of this section"),
    );
    if let Some(near) = did_you_mean(key, known.iter().copied()) {
        d = d.with_help(format!("did you mean `{near}`?"));
    }
    diagnostics.push(d);
}

/// Line and column of a byte range.
fn span_at(text: &str, file: FileId, range: std::ops::Range<usize>) -> Span {
    let start = range.start.min(text.len());
    let before = &text[..start];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..start].chars().count() as u32 + 1;
    let len = text[start..range.end.min(text.len())]
        .chars()
        .take_while(|&c| c != '\n')
        .count() as u32;
    Span {
        file,
        line,
        col,
        len,
    }
}
