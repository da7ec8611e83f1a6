//! What the server tells whom (docs/server.md, "Reminders"): each team's
//! digest of what is due in the next 30 days and what is overdue, an
//! immediate message when something goes overdue, and the admins' message
//! when a version of the landscape is rejected. Pure: the messages for a
//! moment, each with an event key that makes it unique; the outbox keeps
//! every key once, so planning again (another replica, a restart, the next
//! tick) sends nothing twice.

use crate::db::Request;
use crate::domain::snapshot::{Rejected, Snapshot};
use linchpin_model::config::{Digest, Notify};
use linchpin_model::{Catalog, Date, EntityId, Spec};
use std::collections::BTreeMap;

/// How far ahead a digest looks.
pub const HORIZON_DAYS: i32 = 30;

/// How long after its date an item still gets an immediate message (older
/// ones are in the digest only: a server started on an old landscape does
/// not send a message per item ever missed).
pub const IMMEDIATE_WINDOW_DAYS: i32 = 7;

/// The day of the week, 0 Monday … 6 Sunday.
pub fn weekday(d: Date) -> u8 {
    // 1970-01-01 was a Thursday.
    (d.days_since_epoch() + 3).rem_euclid(7) as u8
}

/// One line of a message.
#[derive(Debug, Clone)]
pub struct Item {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What is due.
    pub text: String,
    /// Where to act on it, if the server's address is known.
    pub link: Option<String>,
    /// Whether the date has passed.
    pub overdue: bool,
}

/// A titled list of items.
#[derive(Debug, Clone)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// The items.
    pub items: Vec<Item>,
}

/// A message planned: what it says, before it is rendered.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The event key (each channel and recipient adds its own part).
    pub event: String,
    /// `digest`, `overdue`, `rejected`, `test`.
    pub kind: String,
    /// The team it is for (a canonical ref), if any.
    pub team: Option<String>,
    /// The e-mail addresses.
    pub recipients: Vec<String>,
    /// The title (and, prefixed, the subject).
    pub title: String,
    /// One sentence before the lists.
    pub intro: String,
    /// The lists.
    pub sections: Vec<Section>,
}

/// Who belongs to a team: the addresses `[notify.teams]` gives, else the
/// Group's `spec.profile.email`, else its members' (Users').
pub fn team_addresses(catalog: &Catalog, n: &Notify, group: EntityId) -> Vec<String> {
    let e = catalog.entity(group);
    if let Some(list) = n
        .teams
        .get(e.entity_ref.name.as_str())
        .or_else(|| n.teams.get(&e.entity_ref.to_string()))
    {
        return list.clone();
    }
    let mut out = Vec::new();
    match &e.spec {
        Spec::Group(g) => {
            if let Some(mail) = &g.email {
                out.push(mail.clone());
            } else {
                for m in &g.members {
                    if let Some(Spec::User(u)) =
                        catalog.lookup(&m.value).map(|id| &catalog.entity(id).spec)
                    {
                        out.extend(u.email.clone());
                    }
                }
            }
        }
        Spec::User(u) => out.extend(u.email.clone()),
        _ => {}
    }
    out.retain(|a| a.contains('@') && !a.contains(['\r', '\n']));
    out.sort();
    out.dedup();
    out
}

/// What to plan for: the served version, the open requests, the clock.
pub struct Moment<'a> {
    /// The served version.
    pub snapshot: &'a Snapshot,
    /// Requests still to answer, due within the horizon or overdue.
    pub requests: &'a [Request],
    /// A version that could not be served, if any.
    pub rejected: Option<&'a Rejected>,
    /// Today.
    pub today: Date,
    /// Whether the day's sending hour has come.
    pub hour_reached: bool,
    /// The server's address for links.
    pub base_url: Option<&'a str>,
}

/// The messages due at this moment (the outbox drops those planned before).
pub fn plan(n: &Notify, m: &Moment<'_>) -> Vec<Planned> {
    if (n.smtp.is_none() && n.webhooks.is_empty())
        || n.quiet_days.contains(&weekday(m.today))
        || !m.hour_reached
    {
        return Vec::new();
    }
    let catalog = &m.snapshot.loaded.catalog;
    let link = |path: String| {
        m.base_url
            .map(|b| format!("{}{path}", b.trim_end_matches('/')))
    };
    let supplier_link =
        |id: EntityId| link(format!("/suppliers/{}", catalog.entity(id).entity_ref.name));
    let horizon = m.today.add_days(HORIZON_DAYS);
    // Each team's items: by the owner of the supplier (a Group or a User).
    let mut by_team: BTreeMap<EntityId, Vec<(Date, Item, String)>> = BTreeMap::new();
    let owner_of = |supplier: EntityId| -> Option<EntityId> {
        catalog
            .entity(supplier)
            .owner()
            .and_then(|o| catalog.lookup(&o.value))
    };
    for t in &m.snapshot.report.timeline {
        if t.date > horizon {
            continue;
        }
        let Some(team) = owner_of(t.supplier) else {
            continue;
        };
        let name = catalog.entity(t.supplier).display_name().to_owned();
        let mut text = format!("{name}: {}", t.kind.label());
        if let Some(d) = &t.detail {
            text.push_str(&format!(" ({d})"));
        }
        let key = format!(
            "{}:{}:{}",
            catalog.entity(t.supplier).entity_ref,
            t.kind.label().replace(' ', "-"),
            t.date
        );
        by_team.entry(team).or_default().push((
            t.date,
            Item {
                date: t.date.to_string(),
                text,
                link: supplier_link(t.supplier),
                overdue: t.date < m.today,
            },
            key,
        ));
    }
    for r in m.requests {
        let Ok(due) = Date::parse(&r.due) else {
            continue;
        };
        let team = r
            .team
            .as_deref()
            .and_then(|t| catalog.resolve(t).ok())
            .or_else(|| catalog.resolve(&r.supplier).ok().and_then(owner_of));
        let Some(team) = team else { continue };
        let supplier = catalog
            .resolve(&r.supplier)
            .map_or(r.supplier.clone(), |id| {
                catalog.entity(id).display_name().to_owned()
            });
        by_team.entry(team).or_default().push((
            due,
            Item {
                date: r.due.clone(),
                text: format!(
                    "request #{} to {supplier}: {}",
                    r.id,
                    r.kind.as_str().replace('-', " ")
                ),
                link: link(format!("/requests/{}", r.id)),
                overdue: r.is_overdue(m.today),
            },
            format!("request-{}:{}", r.id, r.due),
        ));
    }

    let mut out = Vec::new();
    let digest_today = match n.digest {
        Digest::Off => false,
        Digest::Daily => true,
        Digest::Weekly(day) => weekday(m.today) == day,
    };
    for (team, mut items) in by_team {
        let addresses = team_addresses(catalog, n, team);
        items.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.text.cmp(&b.1.text)));
        let team_ref = catalog.entity(team).entity_ref.to_string();
        let team_name = catalog.entity(team).display_name().to_owned();
        if digest_today {
            let overdue: Vec<Item> = items
                .iter()
                .filter(|i| i.1.overdue)
                .map(|i| i.1.clone())
                .collect();
            let due: Vec<Item> = items
                .iter()
                .filter(|i| !i.1.overdue)
                .map(|i| i.1.clone())
                .collect();
            let title = format!(
                "{team_name}: {} overdue, {} due in the next {HORIZON_DAYS} days",
                overdue.len(),
                due.len()
            );
            let mut sections = Vec::new();
            if !overdue.is_empty() {
                sections.push(Section {
                    heading: "Overdue".into(),
                    items: overdue,
                });
            }
            if !due.is_empty() {
                sections.push(Section {
                    heading: format!("Due by {horizon}"),
                    items: due,
                });
            }
            let intro = format!("The continuity deadlines of the suppliers {team_name} looks after, and its open requests, on {}.", m.today);
            out.push(Planned {
                event: format!("digest:{}:{team_ref}", m.today),
                kind: "digest".into(),
                team: Some(team_ref.clone()),
                recipients: addresses.clone(),
                title,
                intro,
                sections,
            });
        }
        if n.immediate {
            for (date, item, key) in &items {
                if !item.overdue || date.days_until(m.today) > IMMEDIATE_WINDOW_DAYS {
                    continue;
                }
                let title = format!("Overdue since {date}: {}", item.text);
                let sections = vec![Section {
                    heading: "Overdue".into(),
                    items: vec![item.clone()],
                }];
                let intro = format!("This went overdue for {team_name}.");
                out.push(Planned {
                    event: format!("overdue:{key}:{team_ref}"),
                    kind: "overdue".into(),
                    team: Some(team_ref.clone()),
                    recipients: addresses.clone(),
                    title,
                    intro,
                    sections,
                });
            }
        }
    }
    if let (true, Some(r)) = (n.immediate, m.rejected) {
        let version = r.version.clone().unwrap_or_else(|| "unreadable".into());
        let title = format!(
            "A new version of the landscape was rejected ({} error{})",
            r.errors,
            if r.errors == 1 { "" } else { "s" }
        );
        let intro = "The server keeps serving the last valid version until the errors are fixed.";
        // Each error with where it is (the `-->` line under it).
        let lines: Vec<&str> = r.text.lines().collect();
        let items: Vec<Item> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("error"))
            .take(20)
            .map(|(i, l)| {
                let at = lines[i + 1..]
                    .iter()
                    .take(3)
                    .find_map(|n| n.trim_start().strip_prefix("-->"))
                    .map(str::trim);
                Item {
                    date: String::new(),
                    text: match at {
                        Some(at) => format!("{} ({at})", l.trim()),
                        None => l.trim().to_owned(),
                    },
                    link: link("/status".into()),
                    overdue: false,
                }
            })
            .collect();
        let sections = vec![Section {
            heading: "Errors".into(),
            items,
        }];
        out.push(Planned {
            event: format!("rejected:{version}"),
            kind: "rejected".into(),
            team: None,
            recipients: n.admins.clone(),
            title,
            intro: intro.to_owned(),
            sections,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_count_from_monday() {
        assert_eq!(weekday(Date::parse("2026-11-30").unwrap()), 0); // a Monday
        assert_eq!(weekday(Date::parse("2026-11-28").unwrap()), 5); // a Saturday
        assert_eq!(weekday(Date::parse("1970-01-01").unwrap()), 3); // a Thursday
    }
}
