//! Evidence files: what a file is (by its content), a safe name for it,
//! and storing it with its request.

use crate::db::Principal;
use crate::domain::error::AppError;
use crate::domain::error::AppResult;
use crate::domain::state::find_request;
use crate::AppState;

/// The content type of an evidence file, from its first bytes and name;
/// `None` for anything else (executables, HTML, images of unknown kinds…).
pub fn sniff(filename: &str, data: &[u8]) -> Option<&'static str> {
    let ext = filename
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if data.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if data.starts_with(b"PK\x03\x04") {
        return match ext.as_str() {
            "docx" => {
                Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            }
            "xlsx" => Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "pptx" => {
                Some("application/vnd.openxmlformats-officedocument.presentationml.presentation")
            }
            "odt" => Some("application/vnd.oasis.opendocument.text"),
            "ods" => Some("application/vnd.oasis.opendocument.spreadsheet"),
            "odp" => Some("application/vnd.oasis.opendocument.presentation"),
            _ => None,
        };
    }
    if data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return match ext.as_str() {
            "doc" => Some("application/msword"),
            "xls" => Some("application/vnd.ms-excel"),
            "ppt" => Some("application/vnd.ms-powerpoint"),
            _ => None,
        };
    }
    if matches!(ext.as_str(), "txt" | "csv" | "md")
        && std::str::from_utf8(data).is_ok()
        && !data.contains(&0)
    {
        return Some(match ext.as_str() {
            "csv" => "text/csv",
            "md" => "text/markdown",
            _ => "text/plain",
        });
    }
    None
}

/// A safe display name for an uploaded file.
pub(crate) fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "evidence".to_owned()
    } else {
        cleaned
    }
}

pub(crate) async fn store_upload(
    state: &AppState,
    p: &Principal,
    id: i64,
    name: &str,
    data: &[u8],
) -> AppResult<i64> {
    find_request(state, id).await?;
    let ty = sniff(name, data).ok_or_else(|| {
        AppError::Unsupported(format!(
            "`{name}` is not a PDF, Word, Excel, PowerPoint, OpenDocument or text file (checked by its content)"
        ))
    })?;
    Ok(state
        .db
        .add_upload(&p.name, id, name, ty, data, state.now())
        .await?)
}
