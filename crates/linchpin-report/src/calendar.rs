//! The continuity deadlines as an iCalendar file (RFC 5545) that Outlook,
//! Google Calendar and Thunderbird import or subscribe to: one all-day
//! event per deadline of the next 12 months (and the overdue ones still
//! open), each with a stable UID so that a calendar updates an event
//! rather than adding it twice.
//!
//! Written here rather than with a crate: the Rust iCalendar crates bring
//! a date-time library (chrono) for what is, for all-day events, a few
//! lines of text; the two rules that matter — escaping TEXT values and
//! folding lines at 75 octets — are below and tested, and the tests read
//! the result back with a real iCalendar parser (Python's `icalendar`).

use crate::data::{TimelineItem, TimelineKind};
use linchpin_model::{Catalog, Date, EntityId};

/// What the calendar holds and how its events link back.
pub struct CalendarOptions<'a> {
    /// Only the deadlines of suppliers this team (a Group) owns.
    pub team: Option<EntityId>,
    /// Where the dashboard is served, for a link on each event.
    pub base_url: Option<&'a str>,
    /// When the calendar was made (each event's DTSTAMP).
    pub stamp: Date,
}

fn slug(kind: TimelineKind) -> &'static str {
    match kind {
        TimelineKind::StatementExpires => "statement-expires",
        TimelineKind::EscrowDepositDue => "escrow-deposit-due",
        TimelineKind::ExitTestDue => "exit-test-due",
        TimelineKind::NoticeDeadline => "notice-deadline",
        TimelineKind::ContractEnds => "contract-ends",
    }
}

fn ical_date(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!("{y:04}{m:02}{day:02}")
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma
/// escaped, line breaks as `\n`.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545 §3.1): at most 75 octets per line,
/// continued on lines that start with a space, never inside a character;
/// lines end with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(ch);
        used += len;
    }
    out.push_str("\r\n");
    out
}

/// The calendar of `items` (the report's timeline).
pub fn ics(catalog: &Catalog, items: &[TimelineItem], options: &CalendarOptions<'_>) -> String {
    let mut out = String::new();
    let mut line = |l: &str| out.push_str(&fold(l));
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Linchpin//Continuity deadlines//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    let name = match options.team {
        Some(t) => format!(
            "Continuity deadlines of {}",
            catalog.entity(t).display_name()
        ),
        None => "Continuity deadlines".to_owned(),
    };
    line(&format!("X-WR-CALNAME:{}", escape_text(&name)));
    let stamp = format!("{}T000000Z", ical_date(options.stamp));
    for item in items {
        let supplier = catalog.entity(item.supplier);
        if let Some(team) = options.team {
            let owned = supplier
                .owner()
                .and_then(|o| catalog.lookup(&o.value))
                .is_some_and(|o| o == team);
            if !owned {
                continue;
            }
        }
        let reference = supplier.entity_ref.to_string();
        let detail = item
            .detail
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        let summary = format!("{}: {}{detail}", supplier.display_name(), item.kind.label());
        let mut description = format!("Supplier: {reference}");
        if let Some(owner) = supplier.owner() {
            description.push_str(&format!("\nOwner: {}", owner.value));
        }
        if item.overdue {
            description.push_str("\nOverdue: the date has passed and the task is still open.");
        }
        let uid_detail = item
            .detail
            .as_deref()
            .map(|d| {
                let clean: String = d
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                format!(".{clean}")
            })
            .unwrap_or_default();
        let uid_ref: String = reference
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '.'
                }
            })
            .collect();
        line("BEGIN:VEVENT");
        line(&format!(
            "UID:{}.{uid_ref}{uid_detail}.{}@linchpin",
            slug(item.kind),
            ical_date(item.date)
        ));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("DTSTART;VALUE=DATE:{}", ical_date(item.date)));
        line(&format!(
            "DTEND;VALUE=DATE:{}",
            ical_date(item.date.add_days(1))
        ));
        line(&format!("SUMMARY:{}", escape_text(&summary)));
        line(&format!("DESCRIPTION:{}", escape_text(&description)));
        line(&format!("CATEGORIES:{}", escape_text(item.kind.label())));
        if let Some(base) = options.base_url {
            line(&format!(
                "URL:{}/suppliers/{}",
                base.trim_end_matches('/'),
                supplier.entity_ref.name
            ));
        }
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_lines_are_folded_between_characters() {
        assert_eq!(escape_text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
        let long = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&long);
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
        assert_eq!(fold("SHORT:x"), "SHORT:x\r\n");
    }
}
