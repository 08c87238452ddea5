//! A generated developer's skills and their years: the track's core skills, every skill the
//! profile's texts name, and a few optional ones; no skill has more years than the career
//! or than the technology has existed.

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::data::Track;

/// The year a technology came out (first stable release or public launch), for those
/// young enough that a hiring manager would notice "Rust: 16 years".
pub fn first_year(slug: &str) -> Option<i32> {
    Some(match slug {
        "rust" => 2015,
        "tokio" => 2016,
        "axum" | "opensearch" => 2021,
        "actix-web" | "nestjs" | "fastify" | "istio" | "cockroachdb" | "timescaledb" | "jaeger"
        | "quarkus" => 2017,
        "sqlx" | "tonic" | "prisma" | "oban" | "github-actions" | "opentelemetry" => 2019,
        "go" | "typescript" | "gitlab-ci" | "sidekiq" => 2012,
        "elixir" | "phoenix" | "ecto" | "terraform" | "grafana" | "gin" | "spring-boot"
        | "apache-spark" | "aws-lambda" | "keycloak" => 2014,
        "kubernetes"
        | "prometheus"
        | "apache-airflow"
        | "snowflake"
        | "vault"
        | "echo"
        | "graphql"
        | "aws-ecs"
        | "scylladb"
        | "google-kubernetes-engine" => 2015,
        "dot-net" | "entity-framework" | "helm" | "dbt" | "clickhouse" | "kotlin" | "grpc"
        | "envoy" => 2016,
        "docker" => 2013,
        "argo-cd" | "fastapi" | "amazon-eks" | "pulumi" => 2018,
        "fly-io" => 2020,
        "kafka" | "nats" | "bigquery" | "django-rest-framework" => 2011,
        "node-js" | "celery" | "redis" | "mongodb" => 2009,
        "elasticsearch" | "sentry" | "datadog" => 2010,
        _ => return None,
    })
}

/// The most years a developer with `career` years can have in `slug` in `this_year`.
pub fn max_years(slug: &str, career: i32, this_year: i32) -> i32 {
    let age = first_year(slug).map_or(i32::MAX, |y| (this_year - y).max(1));
    career.min(age).max(1)
}

/// Core skills first (the main one carries the whole career, as far as it existed), then
/// the skills the texts name (at least half of what was possible: the bio describes real
/// work with them), then two to five optional ones of the track.
pub fn choose(
    rng: &mut ChaCha8Rng,
    track: &Track,
    career: i32,
    this_year: i32,
    named: &[String],
) -> Vec<(String, i32)> {
    let mut out: Vec<(String, i32)> = Vec::new();
    for (i, slug) in track.core_skills.iter().enumerate() {
        let cap = max_years(slug, career, this_year);
        let years = if i == 0 {
            cap
        } else {
            rng.random_range((cap * 2 / 3).max(1)..=cap)
        };
        out.push((slug.clone(), years));
    }
    for slug in named {
        if out.iter().any(|(s, _)| s == slug) {
            continue;
        }
        let cap = max_years(slug, career, this_year);
        out.push((slug.clone(), rng.random_range((cap / 2).max(1)..=cap)));
    }
    let extra = rng.random_range(2..=5).min(track.optional_skills.len());
    for slug in track.optional_skills.choose_multiple(rng, extra) {
        if out.iter().any(|(s, _)| s == slug) {
            continue;
        }
        let cap = max_years(slug, career, this_year).min(6);
        out.push((slug.clone(), rng.random_range(1..=cap)));
    }
    out
}
