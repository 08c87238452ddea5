//! Which catalogue skills a text names: "an event pipeline on Tokio and Kafka" names
//! `tokio` and `kafka`. Matching is by whole words, case-sensitive (so "Echo" the framework,
//! not "echo"), longest name first ("SQL Server" is not also "SQL"), on a skill's name or
//! one of the short forms people write ("Kafka" for Apache Kafka, "Rails", "Postgres").

use std::collections::HashMap;

/// Short forms of catalogue names, as they appear in profile texts.
const ALIASES: &[(&str, &str)] = &[
    ("kafka", "Kafka"),
    ("apache-spark", "Spark"),
    ("apache-airflow", "Airflow"),
    ("cassandra", "Cassandra"),
    ("ruby-on-rails", "Rails"),
    ("postgresql", "Postgres"),
    ("vault", "Vault"),
    ("amazon-eks", "EKS"),
    ("aws-ecs", "ECS"),
    ("aws-s3", "S3"),
    ("aws-sqs", "SQS"),
    ("aws-lambda", "Lambda"),
    ("dynamodb", "DynamoDB"),
    ("azure", "Azure"),
    ("gcp", "GCP"),
    ("google-kubernetes-engine", "GKE"),
    ("kubernetes", "K8s"),
    ("entity-framework", "EF Core"),
    ("entity-framework", "Entity Framework"),
    ("dot-net", ".NET"),
    ("dot-net", "ASP.NET"),
    ("sql-server", "SQL Server"),
    ("spring-boot", "Spring"),
    ("node-js", "Node"),
    ("protobuf", "Protobuf"),
    ("django-rest-framework", "DRF"),
    ("actix-web", "Actix"),
];

/// Characters that belong to a word of a skill name ("C#", "Node.js", "C++", ".NET").
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '#' | '+' | '.')
}

/// The words of a text; a word's trailing dots are punctuation ("… in Rust.").
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !is_word_char(c))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .collect()
}

pub struct Mentions {
    /// First word → (all words, slug), longest first.
    by_first: HashMap<String, Vec<(Vec<String>, String)>>,
}

impl Mentions {
    /// From the catalogue's (slug, name) pairs; one-letter names ("C") are left out, they
    /// can't be told from an initial.
    pub fn new<'a>(skills: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut by_first: HashMap<String, Vec<(Vec<String>, String)>> = HashMap::new();
        let names = skills
            .into_iter()
            .chain(ALIASES.iter().map(|(slug, name)| (*slug, *name)));
        for (slug, name) in names {
            if name.chars().count() < 2 {
                continue;
            }
            let w: Vec<String> = words(name).into_iter().map(str::to_owned).collect();
            if let Some(first) = w.first() {
                by_first
                    .entry(first.clone())
                    .or_default()
                    .push((w, slug.to_owned()));
            }
        }
        for list in by_first.values_mut() {
            list.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
        }
        Mentions { by_first }
    }

    /// The slugs of the skills `text` names, each once, in order of first mention.
    pub fn find(&self, text: &str) -> Vec<String> {
        let w = words(text);
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < w.len() {
            let found = self.by_first.get(w[i]).and_then(|list| {
                list.iter().find(|(phrase, _)| {
                    w.len() >= i + phrase.len() && phrase.iter().zip(&w[i..]).all(|(a, b)| a == b)
                })
            });
            match found {
                Some((phrase, slug)) => {
                    if !out.contains(slug) {
                        out.push(slug.clone());
                    }
                    i += phrase.len();
                }
                None => i += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Mentions {
        Mentions::new([
            ("sql", "SQL"),
            ("sql-server", "Microsoft SQL Server"),
            ("go", "Go"),
            ("c", "C"),
            ("c-sharp", "C#"),
            ("kafka", "Apache Kafka"),
            ("ruby-on-rails", "Ruby on Rails"),
            ("ruby", "Ruby"),
            ("node-js", "Node.js"),
            ("postgresql", "PostgreSQL"),
        ])
    }

    #[test]
    fn whole_words_longest_first_with_short_forms() {
        let m = catalogue();
        assert_eq!(
            m.find("Go's simplicity, C# and Kafka; SQL Server not SQL. Ruby on Rails."),
            [
                "go",
                "c-sharp",
                "kafka",
                "sql-server",
                "sql",
                "ruby-on-rails"
            ]
        );
        assert_eq!(
            m.find("PostgreSQL, Postgres and Node.js in C"),
            ["postgresql", "node-js"]
        );
        assert!(
            m.find("Good going, echo of a Ruby-less ago")
                .contains(&"ruby".to_owned())
        );
        assert!(m.find("we go on").is_empty());
    }
}
