//! `linchpin calendar`: the deadlines as iCalendar, read back by a real
//! iCalendar library (Python's `icalendar`, which `.ci/run` installs).

use super::{linchpin, missing, repo, stdout};
use std::process::Command;

/// The events of an .ics file as Python's `icalendar` reads them:
/// (start date, summary, uid), or `None` where the library is missing.
fn parsed(path: &std::path::Path) -> Option<Vec<(String, String, String)>> {
    let script = "import sys, icalendar\ncal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\nassert cal['VERSION'] == '2.0'\nfor e in cal.walk('VEVENT'):\n    print(f\"{e['DTSTART'].dt.isoformat()}\\t{e['SUMMARY']}\\t{e['UID']}\")\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .ok()?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("No module named 'icalendar'") {
            return None;
        }
        panic!("icalendar could not read the file: {err}");
    }
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let mut p = l.split('\t');
                (
                    p.next().unwrap().to_owned(),
                    p.next().unwrap().to_owned(),
                    p.next().unwrap().to_owned(),
                )
            })
            .collect(),
    )
}

#[test]
fn the_deadlines_open_in_a_calendar_library() {
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all.ics");
    let webshop = repo().join("examples/webshop");
    let w = webshop.to_str().unwrap();
    let out = linchpin(&[
        "calendar",
        w,
        "--today",
        "2026-11-28",
        "-o",
        all.to_str().unwrap(),
        "--base-url",
        "https://linchpin.example.org/",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&all).unwrap();
    assert!(
        text.lines().all(|l| l.len() <= 76),
        "folded at 75 octets plus CR"
    );
    assert!(text.contains("URL:https://linchpin.example.org/suppliers/aws\r\n"));
    let Some(events) = parsed(&all) else {
        missing("Python's icalendar is not installed (pip install icalendar)");
        return;
    };
    assert_eq!(events.len(), text.matches("BEGIN:VEVENT").count());
    assert!(events.len() >= 10, "{events:?}");
    // The escaped comma reads back as written.
    assert!(
        events.iter().any(|(d, s, _)| d == "2027-04-01"
            && s == "Cloudflare, Inc.: last day to give notice (CF-ENT-2024-88)"),
        "{events:?}"
    );
    // Stable, unique ids: a calendar that subscribes updates, never doubles.
    let mut uids: Vec<&str> = events.iter().map(|(_, _, u)| u.as_str()).collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), events.len());
    let again = linchpin(&[
        "calendar",
        w,
        "--today",
        "2026-11-28",
        "--base-url",
        "https://linchpin.example.org/",
    ]);
    assert_eq!(stdout(&again), text);
    // A team's calendar holds only the suppliers it owns.
    let team = dir.path().join("team.ics");
    linchpin(&[
        "calendar",
        w,
        "--today",
        "2026-11-28",
        "--team",
        "platform-team",
        "-o",
        team.to_str().unwrap(),
    ]);
    let team_events = parsed(&team).unwrap();
    assert!(!team_events.is_empty() && team_events.len() < events.len());
    assert!(
        team_events.iter().all(|(_, s, _)| !s.starts_with("Stripe")),
        "{team_events:?}"
    );
    let not_a_team = linchpin(&["calendar", w, "--team", "stripe"]);
    assert_eq!(not_a_team.status.code(), Some(2));
}
