//! Password rules and argon2id hashing at OWASP's recommended parameters
//! (m = 19 MiB, t = 2, p = 1). Hashing is CPU-heavy: async callers run it on the
//! blocking pool.

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::crypto::random_token;
use crate::domain::ParseError;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// A password that meets the rules, ready to hash. Never displayed or logged.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

impl NewPassword {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let length = input.chars().count();
        if length < MIN_LENGTH {
            return Err(ParseError::new(format!(
                "Use at least {MIN_LENGTH} characters; a short phrase is easy to remember."
            )));
        }
        if length > MAX_LENGTH {
            return Err(ParseError::new(format!(
                "Use at most {MAX_LENGTH} characters."
            )));
        }
        if input.trim().is_empty() {
            return Err(ParseError::new("A password cannot be only spaces."));
        }
        Ok(NewPassword(input.to_owned()))
    }

    pub fn hash(&self) -> String {
        hash_password(&self.0)
    }
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> String {
    hasher()
        .hash_password(password.as_bytes())
        .expect("argon2 hashing with a generated salt does not fail")
        .to_string()
}

/// A valid hash of a random password nobody knows, so a sign-in for an unknown email
/// costs the same time as one for a real account.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token(24)))
}

/// Checks `password` against a stored PHC string; a malformed or disabled hash never matches.
pub fn verify_password(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => {
            // Spend the same time as a real check before saying no.
            let _ = PasswordHash::new(dummy_hash())
                .map(|h| hasher().verify_password(password.as_bytes(), &h));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rules() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse(&"x".repeat(11)).is_err());
        assert!(NewPassword::parse(&"x".repeat(12)).is_ok());
        assert!(NewPassword::parse(&"x".repeat(128)).is_ok());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        assert!(NewPassword::parse(&" ".repeat(20)).is_err());
        // Characters, not bytes: 12 emoji are 12 characters.
        assert!(NewPassword::parse(&"🔑".repeat(12)).is_ok());
    }

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = NewPassword::parse("correct horse battery").unwrap().hash();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse battery!"));
        assert!(!verify_password("!disabled", "anything at all"));
    }
}
