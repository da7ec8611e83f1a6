//! The continuity workflow's pages: the request list, a new request, one
//! request with its evidence, review and comments.

use crate::db::{Comment, Request, RequestKind, RequestStatus, Upload};
use crate::domain::snapshot::Snapshot;
use crate::views::Frame;
use linchpin_model::{Date, Kind};

/// A request as a row: what the tables and the request page show.
pub struct RequestRow {
    /// Id.
    pub id: i64,
    /// The supplier's name (for its link).
    pub supplier: String,
    /// The supplier's title, or its ref when the landscape no longer has it.
    pub supplier_title: String,
    /// What it asks for.
    pub kind: RequestKind,
    /// Due date.
    pub due: String,
    /// The status shown (`overdue` included).
    pub status: &'static str,
    /// Whether it is overdue.
    pub overdue: bool,
    /// The owning team's title (its ref when the landscape no longer has it).
    pub team: String,
}

impl RequestRow {
    /// The row of `r` on `today`, names from the served version `s`.
    pub fn of(s: Option<&Snapshot>, r: &Request, today: Date) -> RequestRow {
        let title = |kind: Kind, reference: &str| {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            s.and_then(|s| {
                s.find(&kind, name)
                    .map(|id| s.loaded.catalog.entity(id).display_name().to_owned())
            })
            .unwrap_or_else(|| reference.to_owned())
        };
        RequestRow {
            id: r.id,
            supplier: r
                .supplier
                .rsplit('/')
                .next()
                .unwrap_or(&r.supplier)
                .to_owned(),
            supplier_title: title(Kind::Supplier, &r.supplier),
            kind: r.kind,
            due: r.due.clone(),
            status: r.shown_status(today),
            overdue: r.is_overdue(today),
            team: r
                .team
                .as_deref()
                .map(|t| title(Kind::Group, t))
                .unwrap_or_default(),
        }
    }
}

/// Requests as a table (on a supplier's page).
#[derive(askama::Template)]
#[template(path = "request_table.html")]
pub struct RequestTable<'a> {
    /// The rows.
    pub rows: &'a [RequestRow],
}

/// `/requests`: one page of requests.
#[derive(askama::Template)]
#[template(path = "requests.html")]
pub struct RequestsPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The heading.
    pub heading: &'a str,
    /// Whether the viewer may make requests.
    pub editor: bool,
    /// Today.
    pub today: Date,
    /// How many of the filter's requests are overdue.
    pub overdue: i64,
    /// The supplier the list is filtered to.
    pub supplier: Option<&'a str>,
    /// This page's rows.
    pub rows: &'a [RequestRow],
    /// The next page's query string.
    pub next: Option<String>,
    /// Requests per page.
    pub limit: usize,
}

/// A supplier to choose in the new-request form.
pub struct SupplierOption {
    /// Its ref.
    pub key: String,
    /// Its title.
    pub title: String,
    /// Its tier.
    pub tier: u8,
    /// Whether it is preselected.
    pub selected: bool,
}

/// `/requests/new`.
#[derive(askama::Template)]
#[template(path = "request_new.html")]
pub struct NewRequestPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The suppliers, most critical first.
    pub suppliers: Vec<SupplierOption>,
    /// Request kinds.
    pub kinds: &'static [RequestKind],
    /// The default due date.
    pub due: Date,
    /// The teams' refs.
    pub teams: Vec<String>,
}

/// `/requests/{id}`.
#[derive(askama::Template)]
#[template(path = "request.html")]
pub struct RequestPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The request.
    pub r: &'a Request,
    /// Its row.
    pub row: RequestRow,
    /// Its team as stored, or `—`.
    pub team: &'a str,
    /// When it was made.
    pub created: String,
    /// When it last changed.
    pub updated: String,
    /// Whether the viewer may change it.
    pub editor: bool,
    /// The statuses it may be set to.
    pub statuses: Vec<RequestStatus>,
    /// Whether to offer the review form.
    pub review_form: bool,
    /// Today.
    pub today: Date,
    /// Whether the reviewed statement's patch is ready.
    pub patch: bool,
    /// Whether to offer committing it on a branch.
    pub branch: bool,
    /// Its evidence files.
    pub uploads: &'a [Upload],
    /// The largest upload, in MiB.
    pub max_mib: usize,
    /// Its comments.
    pub comments: &'a [Comment],
}
