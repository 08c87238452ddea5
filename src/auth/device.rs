//! Device cookies (OWASP's "Slow Down Online Guessing Attacks with Device Cookies"): after a
//! successful sign-in the browser gets a cookie naming the account and a random nonce,
//! signed with HMAC-SHA256 under the app's secret key. Presented with that account's
//! email, it moves the browser off the account's lockout (which strangers can trigger)
//! onto its own limit, so guessing from elsewhere never locks the owner out.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::crypto::random_token;

pub const COOKIE_NAME: &str = "ladder_device";
const LIFETIME_DAYS: i64 = 180;
const CONTEXT: &[u8] = b"ladder device cookie v1\0";

/// The key device cookies are signed with, derived from the app's secret key.
#[derive(Clone)]
pub struct DeviceKey(Vec<u8>);

impl DeviceKey {
    pub fn new(secret: &[u8]) -> Self {
        DeviceKey(secret.to_vec())
    }

    fn mac(&self, email: &str, nonce: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(CONTEXT);
        mac.update(email.as_bytes());
        mac.update(b"\0");
        mac.update(nonce.as_bytes());
        mac
    }

    /// `nonce.hex(email).hex(mac)`: a fresh cookie value for `email`.
    pub fn issue(&self, email: &str) -> String {
        let email = email.trim().to_lowercase();
        let nonce = random_token(22);
        let tag = self.mac(&email, &nonce).finalize().into_bytes();
        format!("{nonce}.{}.{}", hex::encode(email), hex::encode(tag))
    }

    /// The cookie's nonce, if `value` is a cookie we signed for `email`.
    pub fn verify(&self, value: &str, email: &str) -> Option<String> {
        let mut parts = value.split('.');
        let (nonce, named, tag) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || nonce.is_empty() {
            return None;
        }
        let named = String::from_utf8(hex::decode(named).ok()?).ok()?;
        if named != email.trim().to_lowercase() {
            return None;
        }
        let tag = hex::decode(tag).ok()?;
        self.mac(&named, nonce)
            .verify_slice(&tag)
            .ok()
            .map(|()| nonce.to_owned())
    }
}

/// The nonce of the request's device cookie, when it was issued for `email`.
pub fn trusted_nonce(req: &HttpRequest, key: &DeviceKey, email: &str) -> Option<String> {
    let cookie = req.cookie(COOKIE_NAME)?;
    key.verify(cookie.value(), email)
}

/// The cookie a successful sign-in hands the browser.
pub fn cookie(key: &DeviceKey, email: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE_NAME, key.issue(email))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(LIFETIME_DAYS))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_verify_only_for_their_account_and_key() {
        let key = DeviceKey::new(b"k1");
        let value = key.issue("Jo@Acme.example");
        let nonce = key.verify(&value, "jo@acme.example").expect("valid");
        assert_eq!(nonce.len(), 22);
        assert_eq!(
            key.verify(&value, " JO@acme.example ").as_deref(),
            Some(&*nonce)
        );
        assert!(
            key.verify(&value, "eve@acme.example").is_none(),
            "another account"
        );
        assert!(
            DeviceKey::new(b"k2")
                .verify(&value, "jo@acme.example")
                .is_none(),
            "another key"
        );
        // Tampering with any part breaks it.
        let (rest, tag) = value.rsplit_once('.').unwrap();
        let flipped = if tag.starts_with('0') { "1" } else { "0" };
        let forged = format!("{rest}.{flipped}{}", &tag[1..]);
        assert!(key.verify(&forged, "jo@acme.example").is_none());
        let other_email = format!(
            "{}.{}.{tag}",
            value.split('.').next().unwrap(),
            hex::encode("eve@acme.example")
        );
        assert!(key.verify(&other_email, "eve@acme.example").is_none());
        for junk in ["", "a.b", "a.b.c.d", "..", "x.zz.00"] {
            assert!(key.verify(junk, "jo@acme.example").is_none(), "{junk}");
        }
        assert_ne!(
            key.issue("jo@acme.example"),
            key.issue("jo@acme.example"),
            "fresh nonces"
        );
    }
}
