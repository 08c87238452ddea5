//! Snapshots of what people read outside the pages: every email (subject, text and HTML),
//! the interview calendar files and the error pages. They render the typed values
//! directly with fixed inputs, so they are fast and deterministic; filters hide the parts
//! that vary between runs or machines (tokens, stamps, hosts, asset fingerprints).
//! Review a changed snapshot with `cargo insta review`.

use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use ladder::domain::{Commitment, Level, Money};
use ladder::mail::OutgoingEmail;
use ladder::mail::messages::*;
use ladder::services::calendar::{Invite, Method, Person};
use ladder::views::Layout;
use ladder::views::errors::ErrorPage;

const BASE: &str = "https://ladder.example";
const TO: &str = "Maya Lind <maya@northwind.example>";

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.set_snapshot_path("snapshots");
    s.add_filter(r"/invitations/[A-Za-z0-9_-]+", "/invitations/[token]");
    s.add_filter(
        r"/(verify-email|password/reset)/[A-Za-z0-9_-]+",
        "/$1/[token]",
    );
    s.add_filter(r"UID:[^\r\n⏎]+", "UID:[uid]");
    s.add_filter(r"DTSTAMP:\d{8}T\d{6}Z", "DTSTAMP:[stamp]");
    s.add_filter(r"https?://[a-z0-9.:-]+(/|\b)", "https://[host]$1");
    s.add_filter(r"\?v=[0-9a-f]+", "?v=[hash]");
    s
}

fn show(email: &OutgoingEmail) -> String {
    format!(
        "kind: {}\nto: {}\nsubject: {}\n\n--- text ---\n{}\n\n--- html ---\n{}",
        email.kind, email.to, email.subject, email.text, email.html
    )
}

fn snap(name: &str, message: &impl Message) {
    let email = message.email(TO, BASE).expect("renders");
    settings().bind(|| insta::assert_snapshot!(format!("email_{name}"), show(&email)));
}

fn plan() -> Plan {
    Plan {
        level: Level::L3.to_string(),
        commitment: Commitment::FullTime,
        price: Money::from_cents(900_000),
        hours_per_month: 160,
    }
}

#[test]
fn account_and_vetting_emails() {
    snap(
        "verify_email",
        &VerifyEmail {
            name: "Maya".into(),
            link: format!("{BASE}/verify-email/abcDEF123"),
            hours_valid: 24,
            is_change: false,
        },
    );
    snap(
        "email_change",
        &VerifyEmail {
            name: "Maya".into(),
            link: format!("{BASE}/verify-email/abcDEF123"),
            hours_valid: 24,
            is_change: true,
        },
    );
    snap(
        "password_reset",
        &PasswordReset {
            name: "Maya".into(),
            link: format!("{BASE}/password/reset/abcDEF123"),
            minutes_valid: 30,
        },
    );
    snap(
        "mail_check",
        &MailCheck {
            base_url: BASE.into(),
            transport: "smtp".into(),
        },
    );
    snap(
        "account_exists",
        &AccountExists {
            name: "Maya Lind".into(),
        },
    );
    snap(
        "team_invite",
        &TeamInvite {
            inviter_name: "Omar Haddad".into(),
            company_name: "Northwind".into(),
            token: "tok_abcDEF123".into(),
            days_valid: 7,
        },
    );
    snap(
        "application_received",
        &ApplicationReceived {
            name: "Maya".into(),
        },
    );
    snap(
        "vetting_stage_passed",
        &VettingStagePassed {
            name: "Maya".into(),
            stage: "screening".into(),
            next_stage: Some("technical assessment".into()),
        },
    );
    snap(
        "vetting_stage_passed_last",
        &VettingStagePassed {
            name: "Maya".into(),
            stage: "live interview".into(),
            next_stage: None,
        },
    );
    snap(
        "vetting_rejected",
        &VettingRejected {
            name: "Maya".into(),
            reason: "The assessment's error handling was thin.".into(),
            reapply_from: at("2026-06-01 09:00"),
        },
    );
    snap(
        "vetting_approved",
        &VettingApproved {
            name: "Maya".into(),
            level: Level::L3,
            published: true,
        },
    );
    snap(
        "vetting_approved_unpublished",
        &VettingApproved {
            name: "Maya".into(),
            level: Level::L2,
            published: false,
        },
    );
    snap(
        "availability_reminder",
        &AvailabilityReminder {
            name: "Maya".into(),
            days_since: 25,
            deadline: at("2026-03-06 09:00"),
        },
    );
}

#[test]
fn interview_emails() {
    let request = |rescheduled, message: &str, meeting_url: Option<&str>| InterviewRequest {
        name: "Maya Lind".into(),
        company_name: "Northwind".into(),
        duration_minutes: 45,
        message: message.into(),
        slots: vec![
            "Tue 3 Mar 2026, 10:00–10:45 (Europe/Berlin)".into(),
            "Wed 4 Mar 2026, 15:00–15:45 (Europe/Berlin)".into(),
        ],
        meeting_url: meeting_url.map(str::to_owned),
        rescheduled,
    };
    snap(
        "interview_request",
        &request(
            false,
            "We'd love to talk about Rust.",
            Some("https://meet.example/abc"),
        ),
    );
    snap("interview_rescheduled", &request(true, "", None));
    let calendar = |to_developer, change| InterviewCalendar {
        name: if to_developer {
            "Maya Lind".into()
        } else {
            "Omar Haddad (Northwind)".into()
        },
        to_developer,
        developer_name: "Maya Lind".into(),
        company_name: "Northwind".into(),
        when: "Tue 3 Mar 2026, 10:00–10:45 (Europe/Berlin)".into(),
        meeting_url: Some("https://meet.example/abc".into()),
        change,
    };
    snap(
        "interview_scheduled_developer",
        &calendar(true, CalendarChange::Scheduled),
    );
    snap(
        "interview_scheduled_organizer",
        &calendar(false, CalendarChange::Scheduled),
    );
    snap(
        "interview_declined_calendar",
        &calendar(
            false,
            CalendarChange::Declined {
                reason: "I took another offer.".into(),
            },
        ),
    );
    snap(
        "interview_cancelled_calendar",
        &calendar(
            true,
            CalendarChange::Cancelled {
                reason: "The role was filled.".into(),
            },
        ),
    );
    snap(
        "interview_cancelled_calendar_no_reason",
        &calendar(
            true,
            CalendarChange::Cancelled {
                reason: String::new(),
            },
        ),
    );
    snap(
        "interview_declined",
        &InterviewDeclined {
            name: "Omar".into(),
            developer_name: "Maya Lind".into(),
            reason: "I took another offer.".into(),
        },
    );
    snap(
        "interview_withdrawn",
        &InterviewWithdrawn {
            name: "Maya Lind".into(),
            company_name: "Northwind".into(),
            reason: "The role was filled.".into(),
        },
    );
}

#[test]
fn billing_emails() {
    let started = |audience| TrialStarted {
        name: "Omar Haddad".into(),
        audience,
        engagement_id: 7,
        company_name: "Northwind".into(),
        developer_name: "Maya Lind".into(),
        plan: plan(),
        starts_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        trial_end: Some(at("2026-03-16 09:00")),
    };
    snap(
        "trial_started_company",
        &started(TrialStartedAudience::Company),
    );
    snap(
        "trial_started_developer",
        &started(TrialStartedAudience::Developer),
    );
    snap("trial_started_admin", &started(TrialStartedAudience::Admin));
    snap(
        "trial_ending",
        &TrialEnding {
            name: "Omar Haddad".into(),
            engagement_id: 7,
            developer_name: "Maya Lind".into(),
            plan: plan(),
            ends: Some(at("2026-03-16 09:00")),
        },
    );
    snap(
        "payment_succeeded",
        &PaymentSucceeded {
            name: "Omar Haddad".into(),
            developer_name: "Maya Lind".into(),
            amount_paid: Money::from_cents(900_000),
            invoice: "NW-0001".into(),
            period_start: at("2026-03-16 09:00"),
            period_end: at("2026-04-16 09:00"),
        },
    );
    snap(
        "payment_failed",
        &PaymentFailed {
            name: "Omar Haddad".into(),
            developer_name: "Maya Lind".into(),
            amount_due: Money::from_cents(900_000),
            invoice: "NW-0002".into(),
        },
    );
    snap(
        "engagement_unavailable",
        &EngagementUnavailable {
            name: "Omar Haddad".into(),
            why: "Maya Lind is now fully booked.".into(),
            plan: plan(),
        },
    );
    let finished = |to_developer, cancelled| EngagementFinished {
        name: "Omar Haddad".into(),
        to_developer,
        cancelled,
        developer_name: "Maya Lind".into(),
        company_name: "Northwind".into(),
        plan: plan(),
    };
    snap("engagement_cancelled_company", &finished(false, true));
    snap("engagement_ended_company", &finished(false, false));
    snap("engagement_ended_developer", &finished(true, false));
}

#[test]
fn calendar_files() {
    for method in [Method::Request, Method::Cancel] {
        let invite = Invite {
            method,
            uid: "interview-abc123@ladder.example".into(),
            sequence: if method == Method::Request { 0 } else { 1 },
            starts_at: at("2026-03-03 09:00"),
            ends_at: at("2026-03-03 09:45"),
            stamp: at("2026-03-01 12:00"),
            summary: "Interview: Maya Lind × Northwind".into(),
            description: "A 45-minute interview; agenda, notes; and a long line that has to be folded because it runs past seventy-five octets.".into(),
            location: Some("https://meet.example/abc".into()),
            url: Some(format!("{BASE}/interviews")),
            organizer: Person {
                name: "Omar Haddad".into(),
                email: "omar@northwind.example".into(),
            },
            attendee: Person {
                name: "Maya Lind".into(),
                email: "maya@dev.example".into(),
            },
        };
        let shown = format!(
            "filename: {}\ncontent-type: {}\n\n{}",
            invite.filename(),
            invite.content_type(),
            invite.to_ics().replace("\r\n", "⏎\n")
        );
        settings().bind(|| insta::assert_snapshot!(format!("ics_{}", invite.filename()), shown));
    }
}

#[test]
fn error_pages() {
    for status in [400, 403, 404, 405, 413, 422, 429, 500, 503] {
        let page = ErrorPage::for_status(Layout::bare("Error"), status, None);
        let html = page.render().expect("renders");
        settings().bind(|| insta::assert_snapshot!(format!("error_page_{status}"), html));
    }
    let detailed = ErrorPage::for_status(
        Layout::bare("Error"),
        400,
        Some("The date must be in the future.".into()),
    );
    let html = detailed.render().expect("renders");
    settings().bind(|| insta::assert_snapshot!("error_page_400_detail", html));
}
