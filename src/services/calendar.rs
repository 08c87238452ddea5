//! iCalendar (RFC 5545) invitations for interviews, written by hand: the format is small,
//! and what matters (CRLF, folding at 75 octets, TEXT escaping, UTC times, UID/SEQUENCE)
//! is easier to guarantee than to configure.

use chrono::{NaiveDateTime, Utc};

/// Whether the file adds/updates the event or removes it from calendars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// One interview as a calendar event. Times are UTC.
#[derive(Debug, Clone)]
pub struct Invite {
    pub method: Method,
    /// Stable for the life of the interview, so updates replace the same event.
    pub uid: String,
    /// Bumped on every reschedule and on cancel; calendars keep the highest.
    pub sequence: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub stamp: NaiveDateTime,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    pub url: Option<String>,
    pub organizer: Person,
    pub attendee: Person,
}

pub const CONTENT_TYPE_REQUEST: &str = "text/calendar; charset=utf-8; method=REQUEST";
pub const CONTENT_TYPE_CANCEL: &str = "text/calendar; charset=utf-8; method=CANCEL";

impl Invite {
    pub fn content_type(&self) -> &'static str {
        match self.method {
            Method::Request => CONTENT_TYPE_REQUEST,
            Method::Cancel => CONTENT_TYPE_CANCEL,
        }
    }

    pub fn filename(&self) -> &'static str {
        match self.method {
            Method::Request => "invite.ics",
            Method::Cancel => "cancel.ics",
        }
    }

    /// The `.ics` text: CRLF line endings, long lines folded.
    pub fn to_ics(&self) -> String {
        let (method, status) = match self.method {
            Method::Request => ("REQUEST", "CONFIRMED"),
            Method::Cancel => ("CANCEL", "CANCELLED"),
        };
        let mut lines = vec![
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            "PRODID:-//Ladder//Interviews//EN".to_owned(),
            "CALSCALE:GREGORIAN".to_owned(),
            format!("METHOD:{method}"),
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}", escape_text(&self.uid)),
            format!("SEQUENCE:{}", self.sequence),
            format!("DTSTAMP:{}", utc(self.stamp)),
            format!("DTSTART:{}", utc(self.starts_at)),
            format!("DTEND:{}", utc(self.ends_at)),
            format!("SUMMARY:{}", escape_text(&self.summary)),
            format!("DESCRIPTION:{}", escape_text(&self.description)),
        ];
        if let Some(location) = &self.location {
            lines.push(format!("LOCATION:{}", escape_text(location)));
        }
        if let Some(url) = &self.url {
            lines.push(format!("URL:{url}"));
        }
        lines.push(format!(
            "ORGANIZER;CN={}:mailto:{}",
            param_value(&self.organizer.name),
            self.organizer.email
        ));
        let partstat = match self.method {
            Method::Request => "ACCEPTED",
            Method::Cancel => "DECLINED",
        };
        lines.push(format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};RSVP=FALSE:mailto:{}",
            param_value(&self.attendee.name),
            self.attendee.email
        ));
        lines.push(format!("STATUS:{status}"));
        lines.push("TRANSP:OPAQUE".to_owned());
        lines.push("END:VEVENT".to_owned());
        lines.push("END:VCALENDAR".to_owned());
        let mut out = String::new();
        for line in lines {
            out.push_str(&fold(&line));
            out.push_str("\r\n");
        }
        out
    }
}

/// `20270320T140000Z`.
pub fn utc(at: NaiveDateTime) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 §3.3.11).
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (CN=…): quoted, since names may hold `,;:`; quotes can't be escaped
/// in parameters, so they are dropped.
fn param_value(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    format!("\"{clean}\"")
}

/// Splits a content line into lines of at most 75 octets, continuation lines starting
/// with a space, never inside a UTF-8 character (RFC 5545 §3.1).
pub fn fold(line: &str) -> String {
    const LIMIT: usize = 75;
    if line.len() <= LIMIT {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut used = 0;
    let mut first = true;
    for c in line.chars() {
        let limit = if first { LIMIT } else { LIMIT - 1 };
        if used + c.len_utf8() > limit {
            out.push_str("\r\n ");
            used = 0;
            first = false;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out
}

/// The current time for DTSTAMP.
pub fn stamp_now() -> NaiveDateTime {
    use chrono::SubsecRound;
    Utc::now().naive_utc().trunc_subsecs(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, 3, 20)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn invite(method: Method) -> Invite {
        Invite {
            method,
            uid: "abc123@ladder.example".into(),
            sequence: 2,
            starts_at: at(14),
            ends_at: at(15),
            stamp: at(1),
            summary: "Interview: Ana S. × Acme, Inc.".into(),
            description: "Hello; let's talk about Rust, PostgreSQL\nand C:\\ paths. ".repeat(4),
            location: Some("https://meet.example/abc".into()),
            url: None,
            organizer: Person {
                name: "Jo \"The Boss\" Smith, Acme".into(),
                email: "jo@acme.example".into(),
            },
            attendee: Person {
                name: "Ana Souza".into(),
                email: "ana@devs.example".into(),
            },
        }
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(escape_text("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let line = format!("DESCRIPTION:{}", "é".repeat(100));
        let folded = fold(&line);
        for (i, part) in folded.split("\r\n").enumerate() {
            assert!(part.len() <= 75, "line {i} has {} octets", part.len());
            if i > 0 {
                assert!(part.starts_with(' '));
            }
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert_eq!(fold("SHORT:x"), "SHORT:x");
    }

    #[test]
    fn request_has_crlf_utc_times_uid_and_sequence() {
        let ics = invite(Method::Request).to_ics();
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("\r\nMETHOD:REQUEST\r\n"));
        assert!(unfolded.contains("\r\nUID:abc123@ladder.example\r\n"));
        assert!(unfolded.contains("\r\nSEQUENCE:2\r\n"));
        assert!(unfolded.contains("\r\nDTSTART:20270320T140000Z\r\n"));
        assert!(unfolded.contains("\r\nDTEND:20270320T150000Z\r\n"));
        assert!(unfolded.contains("\r\nSTATUS:CONFIRMED\r\n"));
        assert!(unfolded.contains("SUMMARY:Interview: Ana S. × Acme\\, Inc."));
        assert!(
            unfolded.contains("Hello\\; let's talk about Rust\\, PostgreSQL\\nand C:\\\\ paths.")
        );
        assert!(
            unfolded.contains("ORGANIZER;CN=\"Jo The Boss Smith, Acme\":mailto:jo@acme.example")
        );
    }

    #[test]
    fn cancel_says_so() {
        let ics = invite(Method::Cancel).to_ics().replace("\r\n ", "");
        assert!(ics.contains("\r\nMETHOD:CANCEL\r\n"));
        assert!(ics.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert_eq!(invite(Method::Cancel).content_type(), CONTENT_TYPE_CANCEL);
    }
}
