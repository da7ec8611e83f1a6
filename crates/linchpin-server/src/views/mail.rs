//! E-mail messages: the plain-text and HTML parts of a planned reminder
//! (`templates/mail.txt`, `templates/mail.html`, escaped like the pages).

use crate::db::Outgoing;
use crate::domain::notify::{Planned, Section};
use askama::Template;
use linchpin_model::config::WebhookFormat;

#[derive(Template)]
#[template(path = "mail.html")]
struct MailHtml<'a> {
    title: &'a str,
    intro: &'a str,
    sections: &'a [Section],
    footer: &'a str,
}

#[derive(Template)]
#[template(path = "mail.txt")]
struct MailText<'a> {
    title: &'a str,
    intro: &'a str,
    sections: &'a [Section],
    footer: &'a str,
}

/// The two parts of a message from the same content.
pub fn render(title: &str, intro: &str, sections: &[Section], footer: &str) -> (String, String) {
    let text = MailText {
        title,
        intro,
        sections,
        footer,
    }
    .render()
    .unwrap_or_else(|e| format!("{title}\n\n(the message could not be rendered: {e})\n"));
    let html = MailHtml {
        title,
        intro,
        sections,
        footer,
    }
    .render()
    .unwrap_or_default();
    (text, html)
}

/// The e-mails to put in the outbox: one per address.
pub fn emails(p: &Planned) -> Vec<Outgoing> {
    let footer = "Sent by Linchpin's continuity workflow. What is due comes from the landscape and the requests on the server.";
    let (text, html) = render(&p.title, &p.intro, &p.sections, footer);
    p.recipients
        .iter()
        .map(|to| Outgoing {
            event: format!("{}|email|{to}", p.event),
            kind: p.kind.clone(),
            channel: "email".into(),
            recipient: to.clone(),
            subject: subject(&p.title),
            text: text.clone(),
            html: html.clone(),
        })
        .collect()
}

/// A subject line: one line, whatever the landscape's names hold (a title
/// with a line break must not start another header).
fn subject(title: &str) -> String {
    let one: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("[Linchpin] {}", one.trim())
}

/// The version of the webhook event's shape (`linchpinEvent`).
pub const WEBHOOK_EVENT_VERSION: u32 = 1;

/// A webhook's message: Linchpin's JSON event, or a chat message
/// (`{"text": …}` in Slack's markup, which Mattermost and Teams take too).
/// `target` names the webhook (its URL, or `env:VAR`).
pub fn webhook(p: &Planned, format: WebhookFormat, target: &str) -> Outgoing {
    let event = format!("{}|webhook|{target}", p.event);
    let body = match format {
        WebhookFormat::Json => serde_json::json!({
            "linchpinEvent": WEBHOOK_EVENT_VERSION,
            "id": crate::db::sha256_hex(event.as_bytes())[..32].to_owned(),
            "kind": p.kind,
            "team": p.team,
            "title": p.title,
            "intro": p.intro,
            "sections": p.sections.iter().map(|s| serde_json::json!({
                "heading": s.heading,
                "items": s.items.iter().map(|i| serde_json::json!({
                    "date": i.date, "text": i.text, "link": i.link, "overdue": i.overdue,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }),
        WebhookFormat::Chat => {
            let mut text = format!("*{}*\n{}", chat(&p.title), chat(&p.intro));
            for s in &p.sections {
                text.push_str(&format!("\n\n*{}*", chat(&s.heading)));
                for i in &s.items {
                    text.push_str(&format!("\n• {} {}", chat(&i.date), chat(&i.text)));
                    if let Some(l) = &i.link {
                        text.push_str(&format!(" <{}|open>", chat(l)));
                    }
                }
            }
            serde_json::json!({ "text": text })
        }
    };
    Outgoing {
        event,
        kind: p.kind.clone(),
        channel: "webhook".into(),
        recipient: target.to_owned(),
        subject: p.title.clone(),
        text: body.to_string(),
        html: String::new(),
    }
}

/// Text in Slack's markup: `&`, `<` and `>` escaped, so that nothing in the
/// landscape becomes a link or a mention (`<!channel>`).
fn chat(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::notify::Item;

    #[test]
    fn a_subject_is_one_line() {
        let p = Planned {
            event: "e".into(),
            kind: "overdue".into(),
            team: None,
            recipients: vec!["a@example.com".into()],
            title: "Acme\r\nBcc: victim@example.com".into(),
            intro: String::new(),
            sections: Vec::new(),
        };
        let m = &emails(&p)[0];
        assert_eq!(m.subject, "[Linchpin] Acme  Bcc: victim@example.com");
        assert!(!m.subject.contains(['\r', '\n']));
    }

    #[test]
    fn chat_messages_cannot_mention_or_link() {
        let p = Planned {
            event: "overdue:x".into(),
            kind: "overdue".into(),
            team: Some("group:default/ops".into()),
            recipients: Vec::new(),
            title: "<!channel> & <https://evil.example|click>".into(),
            intro: "i".into(),
            sections: Vec::new(),
        };
        let o = webhook(&p, WebhookFormat::Chat, "https://hooks.example/x");
        let body: serde_json::Value = serde_json::from_str(&o.text).unwrap();
        let text = body["text"].as_str().unwrap();
        assert!(
            text.contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;"),
            "{text}"
        );
        assert!(!text.contains("<!channel>"), "{text}");
        let o = webhook(&p, WebhookFormat::Json, "env:HOOK");
        let body: serde_json::Value = serde_json::from_str(&o.text).unwrap();
        assert_eq!(body["linchpinEvent"], 1);
        assert_eq!(body["title"], "<!channel> & <https://evil.example|click>");
        assert_eq!(o.recipient, "env:HOOK");
    }

    #[test]
    fn both_parts_carry_the_items_and_the_html_is_escaped() {
        let sections = [Section {
            heading: "Overdue".into(),
            items: vec![Item {
                date: "2026-11-20".into(),
                text: "<b>Acme</b> & co: exit-plan test due".into(),
                link: Some("https://linchpin.example/suppliers/supplier:default/acme".into()),
                overdue: true,
            }],
        }];
        let (text, html) = render("Title", "Intro", &sections, "Footer");
        assert!(
            text.contains("2026-11-20  <b>Acme</b> & co: exit-plan test due"),
            "{text}"
        );
        assert!(
            text.contains("https://linchpin.example/suppliers/supplier:default/acme"),
            "{text}"
        );
        assert!(
            html.contains("&#60;b&#62;Acme&#60;/b&#62; &#38; co"),
            "{html}"
        );
        assert!(!html.contains("<b>Acme"), "{html}");
    }
}
