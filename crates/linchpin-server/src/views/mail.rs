//! E-mail messages: the plain-text and HTML parts of a planned reminder
//! (`templates/mail.txt`, `templates/mail.html`, escaped like the pages).

use crate::db::Outgoing;
use crate::domain::notify::{Planned, Section};
use askama::Template;

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

/// The message to put in the outbox.
pub fn outgoing(p: &Planned) -> Outgoing {
    let footer = "Sent by Linchpin's continuity workflow. What is due comes from the landscape and the requests on the server.";
    let (text, html) = render(&p.title, &p.intro, &p.sections, footer);
    Outgoing {
        event: p.event.clone(),
        kind: p.kind.clone(),
        channel: "email".into(),
        recipient: p.recipient.clone(),
        subject: format!("[Linchpin] {}", p.title),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::notify::Item;

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
