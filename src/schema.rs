// @generated-style diesel schema: mirrors migrations/{sqlite,postgres}.
// tests/it/schema.rs checks that every table and column here exists in both backends.

diesel::table! {
    audit_log (id) {
        id -> Integer,
        actor_id -> Nullable<Integer>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Nullable<Integer>,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    companies (id) {
        id -> Integer,
        name -> Text,
        slug -> Text,
        time_zone -> Text,
        website -> Nullable<Text>,
        about -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        stripe_customer_id -> Nullable<Text>,
    }
}

diesel::table! {
    company_members (id) {
        id -> Integer,
        company_id -> Integer,
        user_id -> Integer,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    developer_skills (developer_id, skill_id) {
        developer_id -> Integer,
        skill_id -> Integer,
        years -> Integer,
    }
}

diesel::table! {
    developers (id) {
        id -> Integer,
        user_id -> Integer,
        slug -> Text,
        first_name -> Text,
        last_name -> Text,
        headline -> Text,
        bio -> Text,
        country_code -> Text,
        time_zone -> Text,
        years_experience -> Integer,
        commitment -> Text,
        level -> Nullable<Text>,
        status -> Text,
        vetting_stage -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        paused_reason -> Nullable<Text>,
        available_from -> Nullable<Date>,
        availability_confirmed_at -> Nullable<Timestamp>,
        github_url -> Nullable<Text>,
        linkedin_url -> Nullable<Text>,
        website_url -> Nullable<Text>,
        avatar_path -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        availability_reminded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    experiences (id) {
        id -> Integer,
        developer_id -> Integer,
        company_name -> Text,
        title -> Text,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        summary -> Text,
        position -> Integer,
    }
}

diesel::table! {
    plans (id) {
        id -> Integer,
        level -> Text,
        commitment -> Text,
        hours_per_month -> Integer,
        price_cents -> BigInt,
        currency -> Text,
        stripe_lookup_key -> Text,
    }
}

diesel::table! {
    skills (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
        category -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        email_verified_at -> Nullable<Timestamp>,
        session_version -> Integer,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_attachments (id) {
        id -> Integer,
        email_id -> Integer,
        filename -> Text,
        content_type -> Text,
        content -> Binary,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        purpose -> Text,
        token_hash -> Text,
        new_email -> Nullable<Text>,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    emails (id) {
        id -> Integer,
        message_id -> Text,
        kind -> Text,
        to_address -> Text,
        from_address -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        status -> Text,
        transport -> Nullable<Text>,
        job_id -> Nullable<Integer>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Integer,
        kind -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        run_at -> Timestamp,
        locked_at -> Nullable<Timestamp>,
        locked_by -> Nullable<Text>,
        last_error -> Nullable<Text>,
        dedupe_key -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    vetting_reviews (id) {
        id -> Integer,
        developer_id -> Integer,
        stage -> Text,
        reviewer_id -> Nullable<Integer>,
        score -> Nullable<Integer>,
        notes -> Text,
        summary -> Text,
        outcome -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    shortlists (id) {
        id -> Integer,
        company_id -> Integer,
        name -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    shortlist_entries (id) {
        id -> Integer,
        shortlist_id -> Integer,
        developer_id -> Integer,
        note -> Text,
        added_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    company_invitations (id) {
        id -> Integer,
        company_id -> Integer,
        email -> Text,
        token_hash -> Text,
        invited_by -> Nullable<Integer>,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    interviews (id) {
        id -> Integer,
        company_id -> Integer,
        developer_id -> Integer,
        organizer_id -> Nullable<Integer>,
        uid -> Text,
        status -> Text,
        sequence -> Integer,
        duration_minutes -> Integer,
        time_zone -> Text,
        meeting_url -> Nullable<Text>,
        message -> Text,
        starts_at -> Nullable<Timestamp>,
        decline_reason -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        invite_sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    interview_slots (id) {
        id -> Integer,
        interview_id -> Integer,
        starts_at -> Timestamp,
    }
}

diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(company_members -> companies (company_id));
diesel::joinable!(company_members -> users (user_id));
diesel::joinable!(developer_skills -> developers (developer_id));
diesel::joinable!(developer_skills -> skills (skill_id));
diesel::joinable!(developers -> users (user_id));
diesel::joinable!(email_attachments -> emails (email_id));
diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(emails -> jobs (job_id));
diesel::joinable!(experiences -> developers (developer_id));
diesel::joinable!(vetting_reviews -> developers (developer_id));

diesel::joinable!(shortlists -> companies (company_id));
diesel::joinable!(shortlist_entries -> shortlists (shortlist_id));
diesel::joinable!(shortlist_entries -> developers (developer_id));
diesel::joinable!(company_invitations -> companies (company_id));
diesel::joinable!(interviews -> companies (company_id));
diesel::joinable!(interviews -> developers (developer_id));
diesel::joinable!(interview_slots -> interviews (interview_id));

diesel::table! {
    engagements (id) {
        id -> Integer,
        company_id -> Integer,
        developer_id -> Integer,
        booked_by -> Nullable<Integer>,
        level -> Text,
        commitment -> Text,
        price_cents -> BigInt,
        currency -> Text,
        hours_per_month -> Integer,
        stripe_lookup_key -> Text,
        starts_on -> Date,
        three_month_commitment -> Bool,
        status -> Text,
        idempotency_key -> Text,
        checkout_session_id -> Nullable<Text>,
        checkout_url -> Nullable<Text>,
        stripe_subscription_id -> Nullable<Text>,
        trial_ends_at -> Nullable<Timestamp>,
        current_period_end -> Nullable<Timestamp>,
        cancel_at_period_end -> Bool,
        state_version -> BigInt,
        first_paid_at -> Nullable<Timestamp>,
        cancel_requested_at -> Nullable<Timestamp>,
        canceled_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
        replaces_id -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        checkout_expires_at -> Nullable<Timestamp>,
        checkout_attempt -> Integer,
    }
}

diesel::table! {
    installation (id) {
        id -> Integer,
        installation_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    engagement_notices (id) {
        id -> Integer,
        engagement_id -> Integer,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invoices (id) {
        id -> Integer,
        engagement_id -> Integer,
        company_id -> Integer,
        stripe_invoice_id -> Text,
        number -> Nullable<Text>,
        status -> Text,
        amount_due_cents -> BigInt,
        amount_paid_cents -> BigInt,
        currency -> Text,
        period_start -> Timestamp,
        period_end -> Timestamp,
        hosted_invoice_url -> Nullable<Text>,
        attempt_count -> Integer,
        payment_failed_at -> Nullable<Timestamp>,
        paid_at -> Nullable<Timestamp>,
        stripe_created_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    billing_events (id) {
        id -> Integer,
        event_id -> Text,
        event_type -> Text,
        source -> Text,
        engagement_id -> Nullable<Integer>,
        outcome -> Text,
        event_created_at -> Timestamp,
        received_at -> Timestamp,
    }
}

diesel::table! {
    hour_logs (id) {
        id -> Integer,
        engagement_id -> Integer,
        week_start -> Date,
        minutes -> Integer,
        note -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sandbox_subscriptions (id) {
        id -> Integer,
        subscription_id -> Text,
        engagement_id -> Integer,
        customer_id -> Text,
        status -> Text,
        card_last4 -> Text,
        trial_end -> Timestamp,
        current_period_start -> Timestamp,
        current_period_end -> Timestamp,
        cancel_at_period_end -> Bool,
        fail_next_payment -> Bool,
        canceled_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        invoice_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(engagements -> companies (company_id));
diesel::joinable!(engagements -> developers (developer_id));
diesel::joinable!(invoices -> engagements (engagement_id));
diesel::joinable!(hour_logs -> engagements (engagement_id));
diesel::joinable!(sandbox_subscriptions -> engagements (engagement_id));
diesel::joinable!(engagement_notices -> engagements (engagement_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_log,
    companies,
    company_members,
    developer_skills,
    developers,
    email_attachments,
    email_tokens,
    emails,
    experiences,
    jobs,
    plans,
    skills,
    users,
    vetting_reviews,
    shortlists,
    shortlist_entries,
    company_invitations,
    interviews,
    interview_slots,
    engagements,
    invoices,
    billing_events,
    hour_logs,
    sandbox_subscriptions,
    installation,
    engagement_notices,
);

diesel::table! {
    sessions (id) {
        id -> Integer,
        token_hash -> Text,
        user_id -> Integer,
        session_version -> Integer,
        user_agent -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    rate_limits (key, window_start) {
        key -> Text,
        window_start -> Timestamp,
        hits -> Integer,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(sessions, users);
