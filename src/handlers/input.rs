//! The edge every request passes before CSRF, sessions and handlers: text that reaches a
//! handler is valid UTF-8 without NUL bytes, and a form body is within the size Ladder
//! accepts.
//!
//! Why here and not in each form: PostgreSQL refuses NUL bytes in text (a 500 from deep in
//! a query), and `serde_urlencoded` silently turns invalid UTF-8 into U+FFFD, so a name
//! would be stored altered. One check of the raw bytes covers every route, present and
//! future, the query string, the path and the form body alike. Multipart bodies (the avatar
//! upload) stream to their handler, which enforces its own limit; their query string is
//! checked here.

use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;

use super::error::error_page;

/// The largest url-encoded form Ladder reads (the longest, a profile, is a few KB).
pub const MAX_FORM_BYTES: usize = 64 * 1024;

/// Why a request's text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadText {
    /// A NUL byte (`%00`), which no field of Ladder's can hold.
    Nul,
    /// Bytes that are not UTF-8 (`%FF%FE`).
    NotUtf8,
}

impl BadText {
    fn message(self, place: &str) -> String {
        match self {
            BadText::Nul => format!(
                "The {place} contains a NUL character (%00), which Ladder can't store. \
                 Remove it and try again."
            ),
            BadText::NotUtf8 => format!(
                "The {place} contains bytes that aren't valid UTF-8 text, so Ladder can't \
                 read it as written. Check the text (or your browser's encoding) and try again."
            ),
        }
    }
}

/// Percent-decodes `raw` the way forms and query strings are decoded (`+` is a space) and
/// checks that the result is text Ladder can keep.
pub fn check_urlencoded(raw: &[u8]) -> Result<(), BadText> {
    // Pairs are split on `&` and `=`, which never appear encoded, so decoding the whole
    // string at once sees exactly the bytes of every name and value.
    let mut decoded = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let escaped = (raw[i] == b'%')
            .then(|| raw.get(i + 1..i + 3))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (escaped, raw[i]) {
            (Some(byte), _) => {
                decoded.push(byte);
                i += 3;
            }
            (None, b'+') => {
                decoded.push(b' ');
                i += 1;
            }
            (None, byte) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    check_text(&decoded)
}

/// Raw bytes that must be UTF-8 text without NUL.
pub fn check_text(bytes: &[u8]) -> Result<(), BadText> {
    if bytes.contains(&0) {
        return Err(BadText::Nul);
    }
    std::str::from_utf8(bytes).map_err(|_| BadText::NotUtf8)?;
    Ok(())
}

fn refuse(status: StatusCode, message: String) -> actix_web::HttpResponse {
    let mut response = error_page(status, Some(message));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

fn too_large() -> actix_web::HttpResponse {
    refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "This form is larger than Ladder accepts ({} KB). Shorten the longest text and \
             try again; nothing was saved.",
            MAX_FORM_BYTES / 1024
        ),
    )
}

/// Reads a form body, stopping as soon as it exceeds [`MAX_FORM_BYTES`].
async fn read_limited(payload: &mut Payload) -> Result<Option<Bytes>, actix_web::Error> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body.freeze()))
}

pub async fn guard<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    if let Err(bad) = check_urlencoded(req.uri().path().as_bytes()) {
        let response = refuse(StatusCode::BAD_REQUEST, bad.message("address"));
        return Ok(req.into_response(response).map_into_right_body());
    }
    if let Err(bad) = check_urlencoded(req.query_string().as_bytes()) {
        let response = refuse(StatusCode::BAD_REQUEST, bad.message("address"));
        return Ok(req.into_response(response).map_into_right_body());
    }
    // Media types are case-insensitive, and actix's form extractor reads them so: an
    // upper-case `Application/X-WWW-Form-Urlencoded` is a form too.
    if req
        .content_type()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > MAX_FORM_BYTES as u64) {
            return Ok(req.into_response(too_large()).map_into_right_body());
        }
        let mut payload = req.take_payload();
        let Some(body) = read_limited(&mut payload).await? else {
            return Ok(req.into_response(too_large()).map_into_right_body());
        };
        if let Err(bad) = check_urlencoded(&body) {
            let response = refuse(StatusCode::BAD_REQUEST, bad.message("form"));
            return Ok(req.into_response(response).map_into_right_body());
        }
        // Put the body back for CSRF and the handler's form extractor.
        req.set_payload(Payload::from(body));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_forms_pass() {
        assert_eq!(
            check_urlencoded(b"name=Ada+Lovelace&email=a%40b.example"),
            Ok(())
        );
        assert_eq!(
            check_urlencoded("q=Zo%C3%AB+S%C3%A1nchez".as_bytes()),
            Ok(())
        );
        assert_eq!(check_urlencoded("note=Zoë".as_bytes()), Ok(()));
        // A lone or short `%` is kept as text, as the form decoder does.
        assert_eq!(check_urlencoded(b"q=100%"), Ok(()));
        assert_eq!(check_urlencoded(b"q=%4"), Ok(()));
        assert_eq!(check_urlencoded(b"q=%zz"), Ok(()));
        assert_eq!(check_urlencoded(b"q=%+0"), Ok(()));
        assert_eq!(check_urlencoded(b""), Ok(()));
    }

    #[test]
    fn nul_is_refused_wherever_it_is() {
        assert_eq!(
            check_urlencoded(b"email=a%00b@x.example"),
            Err(BadText::Nul)
        );
        assert_eq!(check_urlencoded(b"a%00=1"), Err(BadText::Nul));
        assert_eq!(check_urlencoded(b"q=%00"), Err(BadText::Nul));
        assert_eq!(check_urlencoded(b"q=a\0b"), Err(BadText::Nul));
    }

    #[test]
    fn invalid_utf8_is_refused_not_replaced() {
        assert_eq!(
            check_urlencoded(b"name=Bad%FF%FEName"),
            Err(BadText::NotUtf8)
        );
        assert_eq!(check_urlencoded(b"name=%C3"), Err(BadText::NotUtf8));
        assert_eq!(check_urlencoded(b"name=\xff"), Err(BadText::NotUtf8));
        // Overlong encodings and surrogates are not UTF-8 either.
        assert_eq!(check_urlencoded(b"x=%C0%AF"), Err(BadText::NotUtf8));
        assert_eq!(check_urlencoded(b"x=%ED%A0%80"), Err(BadText::NotUtf8));
    }
}
