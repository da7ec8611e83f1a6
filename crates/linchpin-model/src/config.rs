//! `linchpin.toml`: severities of findings and the thresholds of the
//! readiness checks, set per landscape.

use crate::Duration;
use linchpin_diagnostics::{codes, Severity};
use std::collections::BTreeMap;

/// The settings of one landscape.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Severity overrides by finding id; `None` turns a finding off.
    pub severity: BTreeMap<String, Option<Severity>>,
    /// A statement requested longer ago than this and still missing is overdue.
    pub statement_overdue: Duration,
    /// An escrow deposit older than this is stale.
    pub escrow_max_age: Duration,
    /// An exit plan tested longer ago than this counts as untested.
    pub exit_test_max_age: Duration,
    /// `[notify]`: who the server tells what is due, and how.
    pub notify: Notify,
    /// `[risk]`: the currency of costs and the candidate actions (docs/risk.md).
    pub risk: crate::RiskConfig,
}

/// How often the digest goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Digest {
    /// Never.
    Off,
    /// Every day.
    #[default]
    Daily,
    /// Once a week, on this day (0 Monday … 6 Sunday).
    Weekly(u8),
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which is required.
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: a relay on this machine or a test server only.
    None,
}

/// `[notify.smtp]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smtp {
    /// The server's host name.
    pub host: String,
    /// Its port (587 for STARTTLS, 465 for TLS, 25 without).
    pub port: u16,
    /// How the connection is secured.
    pub security: SmtpSecurity,
    /// The user to authenticate as, if any.
    pub username: Option<String>,
    /// The environment variable holding the password (never the password:
    /// `linchpin.toml` lives in git).
    pub password_env: Option<String>,
    /// The sender, `Name <address>` or an address.
    pub from: String,
}

/// `[notify]`: reminders by e-mail (docs/server.md, "Reminders").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notify {
    /// How often each team gets its digest.
    pub digest: Digest,
    /// The hour (UTC) from which the day's messages go out.
    pub hour: u8,
    /// Days (0 Monday … 6 Sunday) when nothing is sent; what falls due
    /// waits for the next day that is not quiet.
    pub quiet_days: Vec<u8>,
    /// Whether an item that goes overdue, or a rejected version, is told
    /// at once (besides the digest).
    pub immediate: bool,
    /// Who hears of rejected versions and failing deliveries.
    pub admins: Vec<String>,
    /// Addresses per team (a Group's name), instead of the landscape's
    /// `spec.profile.email` of the Group and its members.
    pub teams: BTreeMap<String, Vec<String>>,
    /// The mail server; without it nothing is sent by e-mail.
    pub smtp: Option<Smtp>,
    /// `[[notify.webhook]]`: where events are posted.
    pub webhooks: Vec<Webhook>,
}

/// The body a webhook receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WebhookFormat {
    /// Linchpin's event (`linchpinEvent: 1`, docs/server.md).
    #[default]
    Json,
    /// `{"text": …}` with Slack's markup: Slack, Mattermost, Teams' and
    /// Rocket.Chat's incoming webhooks take it.
    Chat,
}

/// `[[notify.webhook]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Where to post: the URL, or where it is.
    pub url: WebhookUrl,
    /// The body.
    pub format: WebhookFormat,
    /// The environment variable holding the key of the HMAC-SHA256 signature.
    pub secret_env: Option<String>,
    /// The kinds of event posted (`digest`, `overdue`, `rejected`); all when empty.
    pub events: Vec<String>,
}

/// A webhook's address: in the file, or (a chat webhook's URL is its
/// secret) in an environment variable of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookUrl {
    /// `url = "https://…"`.
    Url(String),
    /// `url-env = "VAR"`.
    Env(String),
}

impl Default for Notify {
    fn default() -> Notify {
        Notify {
            digest: Digest::Daily,
            hour: 7,
            quiet_days: vec![5, 6],
            immediate: true,
            admins: Vec::new(),
            teams: BTreeMap::new(),
            smtp: None,
            webhooks: Vec::new(),
        }
    }
}

/// The days of the week as `[notify]` writes them, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl Default for Config {
    fn default() -> Config {
        Config {
            severity: BTreeMap::new(),
            statement_overdue: Duration::from_days(60),
            escrow_max_age: Duration::from_days(365),
            exit_test_max_age: Duration::from_days(365),
            notify: Notify::default(),
            risk: crate::RiskConfig::default(),
        }
    }
}

impl Config {
    /// The names of the thresholds in `[thresholds]`.
    pub const THRESHOLDS: &'static [&'static str] =
        &["statement-overdue", "escrow-max-age", "exit-test-max-age"];

    /// The severity of a finding, `None` when it is off.
    pub fn severity_of(&self, id: &str) -> Option<Severity> {
        match self.severity.get(id) {
            Some(s) => *s,
            None => Some(codes::default_severity(id)),
        }
    }

    /// Sets a threshold by its name; `false` for an unknown name.
    pub fn set_threshold(&mut self, name: &str, value: Duration) -> bool {
        match name {
            "statement-overdue" => self.statement_overdue = value,
            "escrow-max-age" => self.escrow_max_age = value,
            "exit-test-max-age" => self.exit_test_max_age = value,
            _ => return false,
        }
        true
    }
}
