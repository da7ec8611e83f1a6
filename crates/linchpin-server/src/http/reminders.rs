//! `/admin/reminders` (admin): the reminder settings of the served
//! landscape, who gets what, a test message, and every delivery with its
//! outcome; `GET /api/v1/reminders` gives the deliveries as JSON.

use crate::access::{check_csrf, Csrf};
use crate::db::{Principal, Role};
use crate::domain::error::{AppError, AppResult};
use crate::domain::notify::{team_addresses, Item, Planned, Section};
use crate::domain::state::{require, AppState};
use crate::http::pages::frame;
use crate::views::pages::{ReminderSettings, RemindersPage};
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form, Json};
use linchpin_model::config::{Digest, SmtpSecurity, WEEKDAYS};
use linchpin_model::Spec;
use serde::Deserialize;

fn settings(state: &AppState) -> Option<ReminderSettings> {
    let snap = state.current()?;
    let n = &snap.loaded.config.notify;
    let smtp = n.smtp.as_ref()?;
    let catalog = &snap.loaded.catalog;
    let mut teams: Vec<(String, Vec<String>)> = catalog
        .iter()
        .filter(|(_, e)| matches!(e.spec, Spec::Group(_)))
        .map(|(id, e)| (e.entity_ref.to_string(), team_addresses(catalog, n, id)))
        .collect();
    teams.sort();
    Some(ReminderSettings {
        server: format!(
            "{}:{} ({})",
            smtp.host,
            smtp.port,
            match smtp.security {
                SmtpSecurity::Starttls => "STARTTLS",
                SmtpSecurity::Tls => "TLS",
                SmtpSecurity::None => "not encrypted",
            }
        ),
        from: smtp.from.clone(),
        digest: match n.digest {
            Digest::Off => "off".to_owned(),
            Digest::Daily => format!("daily, from {:02}:00 UTC", n.hour),
            Digest::Weekly(d) => format!(
                "weekly on {}, from {:02}:00 UTC",
                WEEKDAYS[d as usize % 7],
                n.hour
            ),
        },
        quiet: if n.quiet_days.is_empty() {
            "none".to_owned()
        } else {
            n.quiet_days
                .iter()
                .map(|&d| WEEKDAYS[d as usize % 7])
                .collect::<Vec<_>>()
                .join(", ")
        },
        immediate: n.immediate,
        admins: if n.admins.is_empty() {
            "none".to_owned()
        } else {
            n.admins.join(", ")
        },
        teams,
    })
}

async fn page(
    state: &AppState,
    p: &Principal,
    csrf: &Csrf,
    note: Option<String>,
) -> AppResult<Html<String>> {
    let deliveries = state.db.deliveries(200).await?;
    let s = state.current();
    Ok(crate::views::html(&RemindersPage {
        title: "Reminders",
        frame: &frame(state, Some(p), csrf, s.as_deref()),
        settings: settings(state),
        deliveries: &deliveries,
        note,
    }))
}

/// `GET /admin/reminders`.
pub async fn show(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> AppResult<Html<String>> {
    require(&p, Role::Admin)?;
    page(&state, &p, &csrf, None).await
}

#[derive(Deserialize)]
pub struct TestForm {
    csrf: String,
    to: String,
}

/// `POST /admin/reminders/test`: a test message into the outbox, sent
/// with the next tick (at once here).
pub async fn test(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Form(f): Form<TestForm>,
) -> AppResult<Response> {
    check_csrf(&csrf, &f.csrf)?;
    require(&p, Role::Admin)?;
    let to = f.to.trim();
    if to.len() > 254 || !to.contains('@') || to.contains(['\r', '\n', ',', '<', '>']) {
        return Err(AppError::BadRequest(
            "give one e-mail address, such as ops@example.com".into(),
        ));
    }
    if settings(&state).is_none() {
        return Err(AppError::BadRequest(
            "nothing can be sent: the landscape's linchpin.toml has no [notify.smtp]".into(),
        ));
    }
    let now = state.now();
    let planned = Planned {
        event: format!("test:{now}:{}|email|{to}", p.name),
        kind: "test".into(),
        team: None,
        recipients: vec![to.to_owned()],
        title: "A test message from Linchpin".into(),
        intro: format!(
            "{} asked for this message on the reminders page; the digests and overdue messages reach this address the same way.",
            p.name
        ),
        sections: vec![Section {
            heading: "What was tested".into(),
            items: vec![Item {
                date: state.today().to_string(),
                text: "the mail server, the sender and this address".into(),
                link: None,
                overdue: false,
            }],
        }],
    };
    for message in crate::views::mail::emails(&planned) {
        state.db.enqueue_audited(&message, now, &p.name).await?;
    }
    let tick = crate::outbox::tick(&state)
        .await
        .map_err(AppError::Internal)?;
    let note = if tick.failed > 0 {
        "The test message could not be sent yet; the table below says why, and it is retried."
    } else {
        "The test message was handed to the mail server."
    };
    Ok(page(&state, &p, &csrf, Some(note.to_owned()))
        .await?
        .into_response())
}

/// `GET /api/v1/reminders` (admin): the newest deliveries, pending first.
pub async fn api(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> AppResult<Json<serde_json::Value>> {
    require(&p, Role::Admin)?;
    let list = state.db.deliveries(500).await?;
    Ok(Json(serde_json::json!({
        "deliveries": list.iter().map(|d| serde_json::json!({
            "id": d.id, "event": d.event, "kind": d.kind, "channel": d.channel,
            "recipient": d.recipient, "subject": d.subject, "createdAt": d.created_at,
            "attempts": d.attempts, "nextAttemptAt": d.next_at,
            "deliveredAt": d.delivered_at, "lastError": d.last_error,
        })).collect::<Vec<_>>(),
    })))
}
