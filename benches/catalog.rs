//! Catalog benchmark: `cargo bench --bench catalog` (a program that prints figures).
//!
//! Seeds 100,000 developers into a temporary SQLite database (and a temporary PostgreSQL
//! database when `LADDER_BENCH_POSTGRES_URL` is set), starts the release `ladder` binary on
//! loopback, and drives 32 concurrent keep-alive connections at each scenario for a few
//! seconds. Prints requests/s, p50/p99 latency, errors and the server's peak RSS.
//!
//! Knobs: `BENCH_DEVELOPERS` (default 100000), `BENCH_SECONDS` per scenario (default 10),
//! `BENCH_CONNECTIONS` (default 32), `BENCH_BACKENDS` (`sqlite,postgres`),
//! `BENCH_KEEP_DIR`: keep the seeded databases (SQLite file in that directory, PostgreSQL
//! database `ladder_bench_keep`) and reuse them on the next run instead of seeding again.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::Connection;
use diesel::connection::SimpleConnection;

struct Scenario {
    name: &'static str,
    /// `{n}` is replaced by a per-request counter (to defeat the result cache).
    path: &'static str,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "healthz (ceiling)",
        path: "/healthz",
    },
    Scenario {
        name: "page 1 unfiltered",
        path: "/developers",
    },
    Scenario {
        name: "level + skill",
        path: "/developers?level=L2&skill=rust",
    },
    Scenario {
        name: "L2, Rust+PostgreSQL, 4h Berlin",
        path: "/developers?level=L2&skill=rust&skill=postgresql&tz=Europe%2FBerlin&overlap=4",
    },
    Scenario {
        name: "full-text query",
        path: "/developers?q=kafka+payments",
    },
    Scenario {
        name: "deep page (page 1500)",
        path: "/developers?page=1500",
    },
    Scenario {
        name: "uncached: level+skill, varying page",
        path: "/developers?level=L2&skill=postgresql&page={n}",
    },
    Scenario {
        name: "uncached: new filter combination",
        path: "/developers?{combo}",
    },
    Scenario {
        name: "uncached: full-text, varying words",
        path: "/developers?q={word}",
    },
    Scenario {
        name: "uncached: full-text, new first + last name",
        path: "/developers?q={name}",
    },
];

/// Seeded first and last names: 169 × 180 pairs, ≈ 350 distinct words, so most words are
/// looked up in the database for the first time during the run.
fn names() -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(manifest_dir().join("seeds/names.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let list = |key: &str| -> Vec<String> {
        json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    (list("first"), list("last"))
}

/// Skills for the filter combinations: level × two of these × minimum experience gives
/// 10,800 distinct filters, so each request of a run computes its matches and facets.
const COMBO_SKILLS: &[&str] = &[
    "rust",
    "go",
    "python",
    "java",
    "kotlin",
    "typescript",
    "ruby",
    "elixir",
    "php",
    "node-js",
    "django",
    "spring-boot",
    "postgresql",
    "mysql",
    "redis",
    "kafka",
    "docker",
    "kubernetes",
    "aws",
    "gcp",
    "terraform",
    "graphql",
    "grpc",
    "mongodb",
    "elasticsearch",
    "rabbitmq",
    "linux",
    "git",
    "fastapi",
    "tokio",
];

/// The `n`-th filter combination (see [`COMBO_SKILLS`]).
fn combo(n: usize) -> String {
    let level = ["L1", "L2", "L3"][n % 3];
    let n = n / 3;
    let a = COMBO_SKILLS[n % COMBO_SKILLS.len()];
    let n = n / COMBO_SKILLS.len();
    let b = COMBO_SKILLS[n % COMBO_SKILLS.len()];
    let n = n / COMBO_SKILLS.len();
    let years = ["", "&years=2", "&years=5", "&years=8"][n % 4];
    format!("level={level}&skill={a}&skill={b}{years}")
}

const WORDS: &[&str] = &[
    "kafka",
    "payments",
    "graphql",
    "latency",
    "postgres",
    "migrations",
    "observability",
    "tokio",
    "django",
    "spring",
    "kubernetes",
    "terraform",
    "redis",
    "billing",
    "search",
    "warehouse",
    "streaming",
    "grpc",
    "security",
    "caching",
    "testing",
    "python",
    "golang",
    "scaling",
];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn server_binary() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest_dir().join("target"));
    let binary = target.join("release/ladder");
    eprintln!("building the release server binary…");
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--bin", "ladder"])
        .current_dir(manifest_dir())
        .status()
        .expect("cargo build runs");
    assert!(status.success(), "release build failed");
    binary
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn seed(binary: &Path, database_url: &str, developers: usize, data_dir: &Path) -> Duration {
    let start = Instant::now();
    let status = Command::new(binary)
        .args(["seed", "--developers", &developers.to_string()])
        .env("DATABASE_URL", database_url)
        .env("LADDER_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .status()
        .expect("seed runs");
    assert!(status.success(), "seed failed");
    start.elapsed()
}

/// `ladder catalog explain` on the seeded database: the plans of the catalog's SQL.
fn explain(binary: &Path, database_url: &str, data_dir: &Path) {
    let output = Command::new(binary)
        .args(["catalog", "explain"])
        .env("DATABASE_URL", database_url)
        .env("LADDER_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("explain runs");
    assert!(output.status.success(), "catalog explain failed");
    println!("\nQuery plans (`ladder catalog explain`):\n\n```");
    print!("{}", String::from_utf8_lossy(&output.stdout));
    println!("```");
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(binary: &Path, database_url: &str, data_dir: &Path) -> Server {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = Command::new(binary)
        .args(["serve", "--no-worker"])
        .env("DATABASE_URL", database_url)
        .env("LADDER_BIND", format!("127.0.0.1:{port}"))
        .env("LADDER_BASE_URL", &base)
        .env("LADDER_DATA_DIR", data_dir)
        .env(
            "LADDER_SECRET_KEY",
            "bench-secret-key-0123456789abcdef0123456789abcdef0123456789abcdef",
        )
        // Per-request log lines would dominate the measurement.
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("server starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Server { child, base };
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start");
}

struct Figures {
    requests: usize,
    errors: usize,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

async fn drive(base: &str, scenario: &Scenario, connections: usize, seconds: u64) -> Figures {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    // Warm up: the first catalog request builds the snapshot.
    for _ in 0..3 {
        let _ = client
            .get(format!(
                "{base}{}",
                scenario
                    .path
                    .replace("{n}", "1")
                    .replace("{combo}", "level=L2")
                    .replace("{word}", "kafka")
                    .replace("{name}", "Maya")
            ))
            .send()
            .await;
    }
    let counter = Arc::new(AtomicUsize::new(0));
    let (first_names, last_names) = names();
    let (first_names, last_names) = (Arc::new(first_names), Arc::new(last_names));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let client = client.clone();
        let counter = counter.clone();
        let base = base.to_owned();
        let template = scenario.path;
        let (first_names, last_names) = (first_names.clone(), last_names.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(4096);
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let path = template
                    .replace("{n}", &(n % 2000 + 1).to_string())
                    .replace("{combo}", &combo(n))
                    .replace(
                        "{word}",
                        &format!(
                            "{} {}",
                            WORDS[n % WORDS.len()],
                            WORDS[(n / WORDS.len()) % WORDS.len()]
                        ),
                    );
                let path = if path.contains("{name}") {
                    let name = format!(
                        "{} {}",
                        first_names[n % first_names.len()],
                        last_names[(n / first_names.len()) % last_names.len()]
                    );
                    let encoded: String =
                        url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
                    path.replace("{name}", &encoded)
                } else {
                    path
                };
                let t = Instant::now();
                match client.get(format!("{base}{path}")).send().await {
                    Ok(response) => {
                        let ok = response.status().is_success();
                        let body = response.bytes().await;
                        if !ok || body.is_err() {
                            errors += 1;
                        }
                    }
                    Err(_) => errors += 1,
                }
                latencies.push(t.elapsed().as_micros() as u32);
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| {
        if all.is_empty() {
            return 0.0;
        }
        let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
        f64::from(all[i]) / 1000.0
    };
    Figures {
        requests: all.len(),
        errors,
        rps: all.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        max_ms: all.last().map(|m| f64::from(*m) / 1000.0).unwrap_or(0.0),
    }
}

fn run_backend(label: &str, binary: &Path, database_url: &str, data_dir: &Path) {
    let developers = env_usize("BENCH_DEVELOPERS", 100_000);
    let seconds = env_usize("BENCH_SECONDS", 10) as u64;
    let connections = env_usize("BENCH_CONNECTIONS", 32);
    let marker = data_dir.join(format!("seeded-{label}-{developers}"));
    if marker.exists() {
        println!(
            "\n## {label}: {developers} developers (kept from an earlier run); {connections} connections, {seconds} s per scenario\n"
        );
    } else {
        eprintln!("[{label}] seeding {developers} developers…");
        let seed_time = seed(binary, database_url, developers, data_dir);
        println!(
            "\n## {label}: {developers} developers, seeded in {:.1} s; {connections} connections, {seconds} s per scenario\n",
            seed_time.as_secs_f64()
        );
        if std::env::var_os("BENCH_KEEP_DIR").is_some() {
            std::fs::write(&marker, b"").unwrap();
        }
    }
    let server = start_server(binary, database_url, data_dir);
    let pid = server.child.id();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!(
        "| scenario | requests/s | p50 ms | p99 ms | max ms | requests | errors | server peak RSS |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut healthz_rps = 0.0;
    for scenario in SCENARIOS {
        let f = runtime.block_on(drive(&server.base, scenario, connections, seconds));
        if scenario.path == "/healthz" {
            healthz_rps = f.rps;
        }
        let share = if healthz_rps > 0.0 && scenario.path != "/healthz" {
            format!(" ({:.0}% of healthz)", f.rps / healthz_rps * 100.0)
        } else {
            String::new()
        };
        println!(
            "| {} | {:.0}{share} | {:.2} | {:.2} | {:.1} | {} | {} | {} MiB |",
            scenario.name,
            f.rps,
            f.p50_ms,
            f.p99_ms,
            f.max_ms,
            f.requests,
            f.errors,
            peak_rss_kib(pid).map(|k| k / 1024).unwrap_or(0)
        );
    }
    drop(server);
    explain(binary, database_url, data_dir);
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let binary = server_binary();
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let keep = std::env::var_os("BENCH_KEEP_DIR").map(PathBuf::from);
    if backends.contains("sqlite") {
        let temp = tempfile::tempdir().unwrap();
        let dir = keep.clone().unwrap_or_else(|| temp.path().to_owned());
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("bench.db").display());
        run_backend("SQLite", &binary, &url, &dir);
    }
    if backends.contains("postgres") {
        match std::env::var("LADDER_BENCH_POSTGRES_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = match keep {
                    Some(_) => "ladder_bench_keep".to_owned(),
                    None => format!("ladder_bench_{}", std::process::id()),
                };
                let temp = tempfile::tempdir().unwrap();
                let dir = keep.clone().unwrap_or_else(|| temp.path().to_owned());
                std::fs::create_dir_all(&dir).unwrap();
                let mut admin = diesel::pg::PgConnection::establish(&admin_url)
                    .expect("LADDER_BENCH_POSTGRES_URL reachable");
                let marker_exists = std::fs::read_dir(&dir).unwrap().flatten().any(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with("seeded-PostgreSQL")
                });
                if !marker_exists {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                    admin
                        .batch_execute(&format!("CREATE DATABASE {name}"))
                        .expect("create bench database");
                }
                let mut parsed = url::Url::parse(&admin_url).unwrap();
                parsed.set_path(&format!("/{name}"));
                run_backend("PostgreSQL", &binary, parsed.as_str(), &dir);
                if keep.is_none() {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
            _ => println!("\n(PostgreSQL skipped: set LADDER_BENCH_POSTGRES_URL to include it.)"),
        }
    }
}
