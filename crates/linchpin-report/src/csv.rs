//! CSV for people: every table Linchpin writes for a spreadsheet (the
//! ranking, the risk register, the server's request export) goes through
//! [`table`], so that they share one quoting rule and one guard.
//!
//! The rule: a header row, `,` between cells, `\n` after each row, a cell
//! quoted only when it must be (it holds `,`, `"`, or a line break), and a
//! cell that a spreadsheet would run as a formula (it starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return) written with a leading `'` — the
//! guard OWASP recommends against CSV injection. The DORA register is not
//! written here: it is the regulator's format, whose values must reach the
//! authority unaltered (`linchpin_dora::export`).

/// The table as CSV text.
pub fn table<Row, Cell>(header: &[&str], rows: impl IntoIterator<Item = Row>) -> String
where
    Row: IntoIterator<Item = Cell>,
    Cell: AsRef<str>,
{
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to memory cannot fail but for a row of another length than
    // the header, which the callers' fixed arrays rule out.
    let _ = w.write_record(header);
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| guard(c.as_ref())).collect();
        let _ = w.write_record(&cells);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The cell as a spreadsheet will show it and never run it.
fn guard(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::table;

    #[test]
    fn quotes_only_what_must_be_quoted_and_guards_formulas() {
        let text = table(
            &["a", "b", "c"],
            [
                ["plain", "with, comma", "say \"hi\""],
                ["=HYPERLINK(\"x\")", "-1", "two\nlines"],
                ["", "@SUM(A1)", "+1"],
            ],
        );
        assert_eq!(
            text,
            "a,b,c\nplain,\"with, comma\",\"say \"\"hi\"\"\"\n\
             \"'=HYPERLINK(\"\"x\"\")\",'-1,\"two\nlines\"\n,'@SUM(A1),'+1\n"
        );
    }

    #[test]
    fn reads_back_with_a_csv_reader() {
        let text = table(&["x"], [["a,b"], ["\"q\""], ["=1+1"]]);
        let mut r = ::csv::Reader::from_reader(text.as_bytes());
        let cells: Vec<String> = r.records().map(|x| x.unwrap()[0].to_owned()).collect();
        assert_eq!(cells, ["a,b", "\"q\"", "'=1+1"]);
    }
}
