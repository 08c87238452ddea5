//! Randomness for tokens, passwords and ids.

/// A random alphanumeric string from the OS generator (passwords, tokens).
pub fn random_token(length: usize) -> String {
    use rand::Rng;
    use rand::distr::Alphanumeric;
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}
