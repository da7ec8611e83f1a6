//! Reminders going out (docs/server.md, "Reminders"): every tick plans the
//! messages due now into the outbox (whose unique event keys keep each
//! once, however many replicas plan) and delivers what it can claim, over
//! SMTP and to webhooks; a failure is retried later and shown to admins.

use crate::db::Outgoing;
use crate::domain::notify::{plan, Moment, HORIZON_DAYS};
use crate::domain::state::{AppState, Environment, Today};
use hmac::{Hmac, KeyInit, Mac};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use linchpin_model::config::{Smtp, SmtpSecurity, Webhook, WebhookUrl};
use sha2::Sha256;

/// How long a claimed message is held by this replica before another may
/// try it (a replica that died while sending).
const LEASE_SECONDS: i64 = 300;

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    /// Messages added to the outbox.
    pub planned: usize,
    /// Messages delivered.
    pub sent: usize,
    /// Attempts that failed.
    pub failed: usize,
}

/// Whether the day's sending hour (`[notify] hour`, UTC) has come. With an
/// injected date (`--today`, a clock file) the hour is taken as come.
fn hour_reached(state: &AppState, hour: u8) -> bool {
    match state.settings.today {
        Today::System => (state.now().rem_euclid(86_400) / 3600) as u8 >= hour,
        _ => true,
    }
}

/// Plans what is due now and delivers what can be claimed.
pub async fn tick(state: &AppState) -> Result<Tick, String> {
    let planned = plan_now(state).await?;
    let mut done = deliver(state, state.now()).await?;
    done.planned = planned;
    Ok(done)
}

/// Puts the messages due now into the outbox; how many were new.
pub async fn plan_now(state: &AppState) -> Result<usize, String> {
    let Some(snap) = state.current() else {
        return Ok(0);
    };
    let notify = &snap.loaded.config.notify;
    if notify.smtp.is_none() && notify.webhooks.is_empty() {
        return Ok(0);
    }
    let today = state.today();
    let now = state.now();
    let due_by = today.add_days(HORIZON_DAYS).to_string();
    let requests = state
        .db
        .open_requests_due_by(&due_by, 10_000)
        .await
        .map_err(|e| e.0)?;
    let rejected = state.rejected.read().ok().and_then(|r| r.clone());
    let base = state.settings.public_url.as_ref().map(|u| u.origin.clone());
    let planned = plan(
        notify,
        &Moment {
            snapshot: &snap,
            requests: &requests,
            rejected: rejected.as_ref(),
            today,
            hour_reached: hour_reached(state, notify.hour),
            base_url: base.as_deref(),
        },
    );
    let mut added = 0;
    for p in &planned {
        let mut messages = Vec::new();
        if notify.smtp.is_some() {
            messages.extend(crate::views::mail::emails(p));
        }
        for hook in &notify.webhooks {
            if hook.events.is_empty() || hook.events.contains(&p.kind) {
                messages.push(crate::views::mail::webhook(p, hook.format, &target(hook)));
            }
        }
        for m in &messages {
            if state.db.enqueue(m, now).await.map_err(|e| e.0)? {
                added += 1;
            }
        }
    }
    Ok(added)
}

/// Delivers the messages due at `now` (seconds since the epoch) that this
/// replica can claim, with the served landscape's mail server.
pub async fn deliver(state: &AppState, now: i64) -> Result<Tick, String> {
    let mut done = Tick::default();
    let Some(snap) = state.current() else {
        return Ok(done);
    };
    let notify = &snap.loaded.config.notify;
    let claimed = state
        .db
        .claim(now, LEASE_SECONDS, 50)
        .await
        .map_err(|e| e.0)?;
    if claimed.is_empty() {
        return Ok(done);
    }
    let environment = &state.settings.environment;
    let mail = notify
        .smtp
        .as_ref()
        .map(|smtp| (smtp, transport(smtp, environment)));
    for (id, message, attempts) in claimed {
        let outcome = match (message.channel.as_str(), &mail) {
            ("email", Some((smtp, Ok(t)))) => send(t, smtp, &message).await,
            ("email", Some((_, Err(e)))) => Err(e.clone()),
            ("email", None) => {
                Err("`[notify.smtp]` is no longer in the landscape's linchpin.toml".into())
            }
            ("webhook", _) => match notify
                .webhooks
                .iter()
                .find(|h| target(h) == message.recipient)
            {
                Some(hook) => post(hook, &message, environment).await,
                None => Err("this webhook is no longer in the landscape's linchpin.toml".into()),
            },
            (other, _) => Err(format!("unknown channel `{other}`")),
        };
        match outcome {
            Ok(()) => {
                state.db.delivered(id, now).await.map_err(|e| e.0)?;
                done.sent += 1;
            }
            Err(why) => {
                eprintln!(
                    "warning: cannot send `{}` to {}: {why}; retrying later",
                    message.subject, message.recipient
                );
                state
                    .db
                    .failed(id, attempts, now, &why)
                    .await
                    .map_err(|e| e.0)?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// The SMTP connection `[notify.smtp]` describes.
pub fn transport(
    smtp: &Smtp,
    environment: &Environment,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let builder = match smtp.security {
        SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
            .map_err(|e| format!("cannot use `{}` with STARTTLS: {e}", smtp.host))?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
            .map_err(|e| format!("cannot use `{}` with TLS: {e}", smtp.host))?,
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
    };
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(30)));
    if let Some(user) = &smtp.username {
        let password = match &smtp.password_env {
            Some(var) => environment.0.get(var).cloned().ok_or_else(|| {
                format!("the environment variable `{var}` (`[notify.smtp] password-env`) is not set where the server started")
            })?,
            None => String::new(),
        };
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}

/// Sends one message.
async fn send(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    smtp: &Smtp,
    m: &Outgoing,
) -> Result<(), String> {
    let from: Mailbox = smtp
        .from
        .parse()
        .map_err(|e| format!("`from` = `{}` is not an address: {e}", smtp.from))?;
    let to: Mailbox = m
        .recipient
        .parse()
        .map_err(|e| format!("`{}` is not an address: {e}", m.recipient))?;
    let email = Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            m.text.clone(),
            m.html.clone(),
        ))
        .map_err(|e| format!("cannot build the message: {e}"))?;
    transport
        .send(email)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// How a webhook is named in the outbox: its URL, or `env:VAR` when the
/// URL is a secret the server's environment holds.
pub fn target(hook: &Webhook) -> String {
    match &hook.url {
        WebhookUrl::Url(u) => u.clone(),
        WebhookUrl::Env(v) => format!("env:{v}"),
    }
}

/// The signature of a webhook body: HMAC-SHA256 with the shared key, hex.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Posts one message to a webhook: JSON, signed when it has a secret
/// (`X-Linchpin-Signature: sha256=…`), redirects not followed, ten seconds
/// at most; a 2xx answer is delivered, anything else is retried.
async fn post(hook: &Webhook, m: &Outgoing, environment: &Environment) -> Result<(), String> {
    let url = match &hook.url {
        WebhookUrl::Url(u) => u.clone(),
        WebhookUrl::Env(v) => environment.0.get(v).cloned().ok_or_else(|| {
            format!(
                "the environment variable `{v}` (`url-env`) is not set where the server started"
            )
        })?,
    };
    let uri: hyper::Uri = url.parse().map_err(|e| format!("not a URL: {e}"))?;
    let mut request = hyper::Request::post(uri)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(
            hyper::header::USER_AGENT,
            concat!("Linchpin/", env!("CARGO_PKG_VERSION")),
        )
        .header("X-Linchpin-Event", m.kind.as_str())
        .header(
            "X-Linchpin-Delivery",
            crate::db::sha256_hex(m.event.as_bytes())[..32].to_owned(),
        );
    if let Some(var) = &hook.secret_env {
        let secret = environment.0.get(var).ok_or_else(|| {
            format!("the environment variable `{var}` (`secret-env`) is not set where the server started")
        })?;
        request = request.header(
            "X-Linchpin-Signature",
            format!("sha256={}", signature(secret.as_bytes(), m.text.as_bytes())),
        );
    }
    let request = request
        .body(Full::new(hyper::body::Bytes::from(m.text.clone())))
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Full<hyper::body::Bytes>> =
        Client::builder(TokioExecutor::new()).build(https);
    let answer = tokio::time::timeout(std::time::Duration::from_secs(10), client.request(request))
        .await
        .map_err(|_| "no answer within 10 s".to_owned())?
        .map_err(|e| format!("cannot reach the webhook: {e}"))?;
    let status = answer.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the webhook answered {status}"))
    }
}

/// Ticks every `every` until the server stops.
pub fn spawn(state: AppState, every: std::time::Duration) {
    tokio::spawn(async move {
        loop {
            match tick(&state).await {
                Ok(t) if t.sent + t.failed > 0 => eprintln!(
                    "reminders: {} sent, {} failed, {} newly planned",
                    t.sent, t.failed, t.planned
                ),
                Ok(_) => {}
                Err(e) => eprintln!("error: reminders: {e}"),
            }
            tokio::time::sleep(every).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test case 2.
    #[test]
    fn signatures_are_hmac_sha256() {
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
