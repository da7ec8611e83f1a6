//! Evidence files: what a file is (by its content), a safe name for it,
//! and storing it with its request.

use crate::db::Principal;
use crate::domain::error::AppError;
use crate::domain::error::AppResult;
use crate::domain::state::find_request;
use crate::AppState;

/// A check of a file's content.
type Matcher = fn(&[u8]) -> bool;

/// The document types accepted as evidence, each with `infer`'s check of
/// its content.
const DOCUMENTS: &[(Matcher, &str)] = &[
    (infer::archive::is_pdf, "application/pdf"),
    (
        infer::doc::is_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        infer::doc::is_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        infer::doc::is_pptx,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        infer::odf::is_odt,
        "application/vnd.oasis.opendocument.text",
    ),
    (
        infer::odf::is_ods,
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    (
        infer::odf::is_odp,
        "application/vnd.oasis.opendocument.presentation",
    ),
    (infer::doc::is_doc, "application/msword"),
    (infer::doc::is_xls, "application/vnd.ms-excel"),
    (infer::doc::is_ppt, "application/vnd.ms-powerpoint"),
];

/// The content type of an evidence file: a document type recognised by its
/// content (the `infer` crate reads the signatures, the zip entries of
/// Office and OpenDocument files, and the compound-file streams of the old
/// Office formats), or plain text, CSV or Markdown by name when the bytes
/// are UTF-8 text. `None` for anything else (executables, HTML, images…),
/// whatever the name says.
pub fn sniff(filename: &str, data: &[u8]) -> Option<&'static str> {
    if let Some((_, ty)) = DOCUMENTS.iter().find(|(is, _)| is(data)) {
        return Some(ty);
    }
    if infer::get(data).is_some() {
        return None; // some other known kind of file
    }
    let ext = filename
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let text = std::str::from_utf8(data).is_ok() && !data.contains(&0);
    match ext.as_str() {
        "txt" if text => Some("text/plain"),
        "csv" if text => Some("text/csv"),
        "md" if text => Some("text/markdown"),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use super::sniff;
    use std::io::Write as _;

    fn zip(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in entries {
            w.start_file(*name, stored).unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn documents_are_known_by_their_content_not_their_name() {
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n";
        assert_eq!(sniff("x.pdf", pdf), Some("application/pdf"));
        assert_eq!(sniff("renamed.txt", pdf), Some("application/pdf"));
        let docx = zip(&[
            ("[Content_Types].xml", "<Types/>"),
            ("_rels/.rels", "<Relationships/>"),
            ("word/_rels/document.xml.rels", "<Relationships/>"),
            ("word/document.xml", "<w:document/>"),
        ]);
        assert_eq!(
            sniff("bcp.docx", &docx),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        let odt = zip(&[("mimetype", "application/vnd.oasis.opendocument.text")]);
        assert_eq!(
            sniff("bcp.odt", &odt),
            Some("application/vnd.oasis.opendocument.text")
        );
        // A zip that is not an office document, whatever it is called.
        assert_eq!(sniff("bcp.docx", &zip(&[("a.exe", "MZ")])), None);
        assert_eq!(sniff("x.pdf", b"MZ\x90\x00\x03\x00\x00\x00"), None);
        assert_eq!(sniff("page.txt", b"\x89PNG\r\n\x1a\n\x00\x00"), None);
    }

    #[test]
    fn text_is_known_by_its_name_when_it_is_text() {
        assert_eq!(sniff("notes.md", b"# Notes"), Some("text/markdown"));
        assert_eq!(sniff("list.CSV", b"a,b\n1,2\n"), Some("text/csv"));
        assert_eq!(sniff("x.txt", b"a\x00b"), None);
        assert_eq!(sniff("x.txt", &[0xff, 0xfe, 0x41]), None);
        assert_eq!(sniff("page.html", b"<script>alert(1)</script>"), None);
    }
}
