use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ladder::schema::{email_attachments, emails, interview_slots, interviews};

use crate::helpers::{Browser, TestApp, location, spawn_app};
use crate::hiring::{id_from, listed_developer};

/// 20 March of the next year where it is still ahead: New York is on summer time
/// (second Sunday of March) and Berlin is not yet (last Sunday of March).
fn dst_gap_day() -> NaiveDate {
    let today = chrono::Utc::now().date_naive();
    let this_year = NaiveDate::from_ymd_opt(today.year(), 3, 20).unwrap();
    if this_year > today + Duration::days(2) {
        this_year
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, 3, 20).unwrap()
    }
}

fn local(day: NaiveDate, hh_mm: &str) -> String {
    format!("{}T{hh_mm}", day.format("%Y-%m-%d"))
}

async fn propose(
    company: &Browser,
    slug: &str,
    zone: &str,
    slots: &[&str],
    duration: &str,
) -> reqwest::Response {
    let mut fields: Vec<(&str, &str)> = vec![
        ("developer", slug),
        ("time_zone", zone),
        ("duration", duration),
        ("meeting_url", "https://meet.example/acme-ana"),
        (
            "message",
            "Hi Ana, a chat about our Rust platform; 45 minutes.",
        ),
    ];
    fields.extend(slots.iter().map(|s| ("slot", *s)));
    company.post("/interviews", &fields).await
}

async fn interview_count(app: &TestApp) -> i64 {
    app.with_conn(|conn| interviews::table.count().get_result(conn).unwrap())
        .await
}

async fn slot_ids(app: &TestApp, interview: i32) -> Vec<i32> {
    app.with_conn(move |conn| {
        interview_slots::table
            .filter(interview_slots::interview_id.eq(interview))
            .order(interview_slots::starts_at)
            .select(interview_slots::id)
            .load(conn)
            .unwrap()
    })
    .await
}

/// (kind, ics text) of every email to `to` with a calendar attachment, oldest first.
async fn invites_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    let to = to.to_owned();
    app.with_conn(move |conn| {
        emails::table
            .inner_join(email_attachments::table)
            .filter(emails::to_address.eq(&to))
            .order(emails::id)
            .select((
                emails::kind,
                email_attachments::content,
                email_attachments::content_type,
            ))
            .load::<(String, Vec<u8>, String)>(conn)
            .unwrap()
            .into_iter()
            .map(|(kind, content, content_type)| {
                assert!(content_type.starts_with("text/calendar"), "{content_type}");
                (kind, String::from_utf8(content).unwrap())
            })
            .collect()
    })
    .await
}

async fn kinds_to(app: &TestApp, to: &str) -> Vec<String> {
    app.emails_to(to)
        .await
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// A strict reading of RFC 5545 as far as our files go: CRLF only, lines of at most 75
/// octets, folding, balanced components, `NAME;PARAMS:VALUE`, TEXT unescaping.
struct Calendar {
    method: String,
    event: Vec<(String, String, String)>,
}

impl Calendar {
    fn get(&self, name: &str) -> &str {
        self.event
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, v)| v.as_str())
            .unwrap_or_else(|| panic!("VEVENT has no {name}"))
    }

    fn params(&self, name: &str) -> &str {
        self.event
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, p, _)| p.as_str())
            .unwrap()
    }

    fn time(&self, name: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(self.get(name), "%Y%m%dT%H%M%SZ")
            .unwrap_or_else(|_| panic!("{name} is not a UTC date-time: {}", self.get(name)))
    }
}

fn parse_ics(text: &str) -> Calendar {
    assert!(text.ends_with("\r\n"), "must end with CRLF");
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            assert_eq!(text.as_bytes()[i - 1], b'\r', "bare LF at byte {i}");
        }
    }
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "line longer than 75 octets: {line:?}");
    }
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let mut stack: Vec<String> = Vec::new();
    let mut method = String::new();
    let mut event = Vec::new();
    let mut events = 0;
    for line in unfolded.trim_end_matches("\r\n").split("\r\n") {
        // The value starts at the first colon outside a quoted parameter value.
        let mut in_quotes = false;
        let colon = line
            .char_indices()
            .find(|(_, c)| {
                if *c == '"' {
                    in_quotes = !in_quotes;
                }
                *c == ':' && !in_quotes
            })
            .map(|(i, _)| i)
            .unwrap_or_else(|| panic!("no value in {line:?}"));
        let (head, value) = (&line[..colon], &line[colon + 1..]);
        let (name, params) = head.split_once(';').unwrap_or((head, ""));
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '-'),
            "bad property name {name:?}"
        );
        match name {
            "BEGIN" => stack.push(value.to_owned()),
            "END" => assert_eq!(stack.pop().as_deref(), Some(value), "unbalanced END"),
            _ => match stack.last().map(String::as_str) {
                Some("VCALENDAR") if name == "METHOD" => method = value.to_owned(),
                Some("VCALENDAR") => {}
                Some("VEVENT") => {
                    if name == "UID" && event.is_empty() {
                        events += 1;
                    }
                    event.push((name.to_owned(), params.to_owned(), unescape(value)));
                }
                other => panic!("{name} outside a component: {other:?}"),
            },
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(events, 1);
    let cal = Calendar { method, event };
    for required in [
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SEQUENCE",
        "ORGANIZER",
        "ATTENDEE",
    ] {
        cal.get(required);
    }
    cal
}

fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(c @ ('\\' | ';' | ',')) => out.push(c),
                other => panic!("bad escape \\{other:?} in {value:?}"),
            }
        } else {
            assert!(
                c != ';' && c != ',' || !value.contains(' '),
                "unescaped {c} in {value:?}"
            );
            out.push(c);
        }
    }
    out
}

#[tokio::test]
async fn slot_proposals_are_validated() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    let (_, slug) = listed_developer(
        &app,
        "Ana Souza",
        "ana@devs.example",
        "L2",
        "America/New_York",
    )
    .await;
    let day = dst_gap_day();
    let (a, b, c, d) = (
        local(day, "09:00"),
        local(day, "09:30"),
        local(day, "11:00"),
        local(day, "13:00"),
    );
    let e = local(day, "15:00");
    let yesterday = local(chrono::Utc::now().date_naive() - Duration::days(1), "10:00");
    let cases: Vec<(&str, &str, Vec<&str>, &str, &str)> = vec![
        (
            "past",
            "Europe/Berlin",
            vec![&yesterday],
            "30",
            "in the past",
        ),
        (
            "overlapping",
            "Europe/Berlin",
            vec![&a, &b],
            "45",
            "overlaps",
        ),
        (
            "more than 3",
            "Europe/Berlin",
            vec![&a, &c, &d, &e],
            "30",
            "at most 3",
        ),
        (
            "bad zone",
            "Mars/Olympus",
            vec![&a],
            "30",
            "Choose a time zone",
        ),
        (
            "too short",
            "Europe/Berlin",
            vec![&a],
            "10",
            "between 15 and 120",
        ),
        (
            "too long",
            "Europe/Berlin",
            vec![&a],
            "180",
            "between 15 and 120",
        ),
        ("none", "Europe/Berlin", vec!["", ""], "30", "at least one"),
        (
            "garbage",
            "Europe/Berlin",
            vec!["next tuesday"],
            "30",
            "Enter a date and time",
        ),
    ];
    for (name, zone, slots, duration, message) in cases {
        let r = propose(&company, &slug, zone, &slots, duration).await;
        assert_eq!(r.status().as_u16(), 422, "{name}");
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "{name}: expected {message:?}");
    }
    let r = company
        .post(
            "/interviews",
            &[
                ("developer", slug.as_str()),
                ("time_zone", "Europe/Berlin"),
                ("duration", "30"),
                ("slot", a.as_str()),
                ("meeting_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(interview_count(&app).await, 0);
    assert!(
        app.emails_to("ana@devs.example")
            .await
            .iter()
            .all(|e| !e.kind.starts_with("interview"))
    );
}

#[tokio::test]
async fn an_interview_is_proposed_accepted_rescheduled_and_cancelled_with_calendar_invites() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme, Inc.", "jo@acme.example").await;
    let (developer, slug) = listed_developer(
        &app,
        "Ana Souza",
        "ana@devs.example",
        "L2",
        "America/New_York",
    )
    .await;
    let day = dst_gap_day();

    // 15:00 in Berlin (UTC+1 that week) is 14:00 UTC and 10:00 in New York (UTC-4).
    let r = propose(
        &company,
        &slug,
        "Europe/Berlin",
        &[
            &local(day, "15:00"),
            &local(day + Duration::days(1), "11:00"),
        ],
        "45",
    )
    .await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let id = id_from(&location(&r));
    assert_eq!(
        kinds_to(&app, "ana@devs.example")
            .await
            .iter()
            .filter(|k| *k == "interview_request")
            .count(),
        1
    );
    let request = app.emails_to("ana@devs.example").await.pop().unwrap();
    assert!(
        request
            .text_body
            .contains("10:00–10:45 (New York, United States · UTC−"),
        "{}",
        request.text_body
    );

    let (status, html) = developer.get_html("/me/interviews").await;
    assert_eq!(status, 200);
    assert!(html.contains("10:00–10:45 (New York, United States · UTC−"));
    assert!(html.contains("Acme, Inc."));
    let (status, html) = company.get_html(&format!("/interviews/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("15:00–15:45 (Berlin, Germany · UTC+"));

    // The developer picks the first slot; a double click schedules (and mails) once.
    let slots = slot_ids(&app, id).await;
    let first = slots[0].to_string();
    let r = developer
        .post(&format!("/interviews/{id}/accept"), &[("slot", &first)])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = developer
        .post(&format!("/interviews/{id}/accept"), &[("slot", &first)])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let dev_invites = invites_to(&app, "ana@devs.example").await;
    let org_invites = invites_to(&app, "jo@acme.example").await;
    assert_eq!(dev_invites.len(), 1);
    assert_eq!(org_invites.len(), 1);
    let start = day.and_hms_opt(14, 0, 0).unwrap();
    let mut uid = String::new();
    for (kind, ics) in [&dev_invites[0], &org_invites[0]] {
        assert_eq!(kind, "interview_scheduled");
        let cal = parse_ics(ics);
        assert_eq!(cal.method, "REQUEST");
        assert_eq!(cal.time("DTSTART"), start);
        assert_eq!(cal.time("DTEND"), start + Duration::minutes(45));
        assert_eq!(cal.get("SEQUENCE"), "0");
        assert_eq!(cal.get("STATUS"), "CONFIRMED");
        assert_eq!(cal.get("ORGANIZER"), "mailto:jo@acme.example");
        assert_eq!(cal.get("ATTENDEE"), "mailto:ana@devs.example");
        assert!(cal.params("ATTENDEE").contains("CN=\"Ana S.\""));
        assert!(cal.get("SUMMARY").contains("Acme, Inc."));
        assert!(
            cal.get("DESCRIPTION")
                .contains("Rust platform; 45 minutes.")
        );
        assert_eq!(cal.get("LOCATION"), "https://meet.example/acme-ana");
        if uid.is_empty() {
            uid = cal.get("UID").to_owned();
        }
        assert_eq!(cal.get("UID"), uid);
    }
    assert!(
        company
            .get_html("/interviews")
            .await
            .1
            .contains("Scheduled")
    );

    // Reschedule: back to proposed, the developer picks again, same UID, SEQUENCE 1.
    let new_start = local(day + Duration::days(2), "16:30");
    let r = company
        .post(
            &format!("/interviews/{id}/reschedule"),
            &[
                ("time_zone", "Europe/Berlin"),
                ("duration", "30"),
                ("slot", new_start.as_str()),
                ("link_later", "1"),
                ("meeting_url", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        kinds_to(&app, "ana@devs.example")
            .await
            .iter()
            .filter(|k| *k == "interview_rescheduled")
            .count(),
        1
    );
    let slots = slot_ids(&app, id).await;
    assert_eq!(slots.len(), 1);
    developer
        .post(
            &format!("/interviews/{id}/accept"),
            &[("slot", &slots[0].to_string())],
        )
        .await;
    let dev_invites = invites_to(&app, "ana@devs.example").await;
    assert_eq!(dev_invites.len(), 2);
    let cal = parse_ics(&dev_invites[1].1);
    assert_eq!(cal.method, "REQUEST");
    assert_eq!(cal.get("UID"), uid);
    assert_eq!(cal.get("SEQUENCE"), "1");
    let moved = (day + Duration::days(2)).and_hms_opt(15, 30, 0).unwrap();
    assert_eq!(cal.time("DTSTART"), moved);
    assert_eq!(cal.time("DTEND"), moved + Duration::minutes(30));
    assert!(cal.get("DESCRIPTION").contains("Meeting link: to follow"));

    // Cancel: METHOD:CANCEL, same UID, higher SEQUENCE, to both; a second cancel does nothing.
    let r = company
        .post(
            &format!("/interviews/{id}/cancel"),
            &[("reason", "Role filled, sorry")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    company
        .post(&format!("/interviews/{id}/cancel"), &[("reason", "again")])
        .await;
    for to in ["ana@devs.example", "jo@acme.example"] {
        let invites = invites_to(&app, to).await;
        assert_eq!(invites.len(), 3, "{to}");
        let (kind, ics) = invites.last().unwrap();
        assert_eq!(kind, "interview_cancelled");
        let cal = parse_ics(ics);
        assert_eq!(cal.method, "CANCEL");
        assert_eq!(cal.get("UID"), uid);
        assert_eq!(cal.get("SEQUENCE"), "2");
        assert_eq!(cal.get("STATUS"), "CANCELLED");
    }
    // Every email exactly once.
    assert_eq!(
        kinds_to(&app, "ana@devs.example")
            .await
            .into_iter()
            .filter(|k| k.starts_with("interview"))
            .collect::<Vec<_>>(),
        [
            "interview_request",
            "interview_scheduled",
            "interview_rescheduled",
            "interview_scheduled",
            "interview_cancelled"
        ]
    );
    assert_eq!(
        kinds_to(&app, "jo@acme.example")
            .await
            .into_iter()
            .filter(|k| k.starts_with("interview"))
            .collect::<Vec<_>>(),
        [
            "interview_scheduled",
            "interview_scheduled",
            "interview_cancelled"
        ]
    );
    let (_, html) = developer.get_html("/me/interviews").await;
    assert!(html.contains("Role filled, sorry"));
}

#[tokio::test]
async fn developers_decline_with_a_reason() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    let (developer, slug) = listed_developer(
        &app,
        "Ana Souza",
        "ana@devs.example",
        "L2",
        "America/New_York",
    )
    .await;
    let r = propose(
        &company,
        &slug,
        "Europe/Berlin",
        &[&local(dst_gap_day(), "15:00")],
        "30",
    )
    .await;
    let id = id_from(&location(&r));
    let r = developer
        .post(&format!("/interviews/{id}/decline"), &[("reason", "  ")])
        .await;
    assert_eq!(r.status().as_u16(), 400, "a reason is required");
    let r = developer
        .post(
            &format!("/interviews/{id}/decline"),
            &[("reason", "I've accepted another offer")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let mail = app.emails_to("jo@acme.example").await.pop().unwrap();
    assert_eq!(mail.kind, "interview_declined");
    assert!(mail.text_body.contains("accepted another offer"));
    // Declined is final: accepting now changes nothing and sends nothing.
    let slot = slot_ids(&app, id).await[0].to_string();
    developer
        .post(&format!("/interviews/{id}/accept"), &[("slot", &slot)])
        .await;
    assert!(invites_to(&app, "ana@devs.example").await.is_empty());
    let (_, html) = company.get_html("/interviews").await;
    assert!(html.contains("Declined"));
}

#[tokio::test]
async fn interviews_are_visible_only_to_their_company_and_developer() {
    let app = spawn_app().await;
    let acme = app.verified_company("Acme", "jo@acme.example").await;
    let globex = app.verified_company("Globex", "hank@globex.example").await;
    let (_, slug) = listed_developer(
        &app,
        "Ana Souza",
        "ana@devs.example",
        "L2",
        "America/New_York",
    )
    .await;
    let (other_dev, _) =
        listed_developer(&app, "Bo Chen", "bo@devs.example", "L1", "Asia/Singapore").await;
    let r = propose(
        &acme,
        &slug,
        "Europe/Berlin",
        &[&local(dst_gap_day(), "15:00")],
        "30",
    )
    .await;
    let id = id_from(&location(&r));
    let slot = slot_ids(&app, id).await[0].to_string();

    for path in [
        format!("/interviews/{id}"),
        format!("/interviews/{id}/reschedule"),
    ] {
        assert_eq!(globex.get(&path).await.status().as_u16(), 404, "{path}");
    }
    assert_eq!(
        globex
            .post(&format!("/interviews/{id}/cancel"), &[])
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        globex
            .post(
                &format!("/interviews/{id}/reschedule"),
                &[
                    ("time_zone", "UTC"),
                    ("duration", "30"),
                    ("slot", &local(dst_gap_day(), "10:00")),
                    ("link_later", "1")
                ],
            )
            .await
            .status()
            .as_u16(),
        404
    );
    assert!(!globex.get_html("/interviews").await.1.contains("Ana S."));
    assert_eq!(
        other_dev
            .post(&format!("/interviews/{id}/accept"), &[("slot", &slot)])
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        other_dev
            .post(&format!("/interviews/{id}/decline"), &[("reason", "no")])
            .await
            .status()
            .as_u16(),
        404
    );
    assert!(
        !other_dev
            .get_html("/me/interviews")
            .await
            .1
            .contains("Acme")
    );
    // Companies can't answer for developers, developers can't use company pages.
    assert_eq!(
        acme.post(&format!("/interviews/{id}/accept"), &[("slot", &slot)])
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(other_dev.get("/interviews").await.status().as_u16(), 403);
    assert_eq!(
        other_dev
            .get(&format!("/interviews/new?developer={slug}"))
            .await
            .status()
            .as_u16(),
        403
    );
    let status: String = app
        .with_conn(move |conn| {
            interviews::table
                .find(id)
                .select(interviews::status)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(status, "proposed");
}
