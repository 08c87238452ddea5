//! Static asset URLs with a content fingerprint (`?v=…`), so browsers may cache them for a
//! year and still see a new version the moment it ships.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// The vendored htmx build (see static/vendor/README.md).
pub const HTMX_FILE: &str = "vendor/htmx-2.0.11.min.js";

#[derive(Debug, Clone)]
pub struct Assets {
    pub css: String,
    pub js: String,
    pub htmx: String,
}

/// Where static files live: `./static` when run from the repository, else the copy beside
/// the sources this binary was built from.
pub fn static_dir() -> PathBuf {
    let local = PathBuf::from("static");
    if local.join("css/app.css").exists() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("static")
    }
}

fn fingerprinted(dir: &Path, file: &str) -> String {
    let digest = std::fs::read(dir.join(file))
        .map(|bytes| hex::encode(&Sha256::digest(&bytes)[..6]))
        .unwrap_or_else(|_| "missing".into());
    format!("/static/{file}?v={digest}")
}

/// Computed once per process.
pub fn assets() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let dir = static_dir();
        Assets {
            css: fingerprinted(&dir, "css/app.css"),
            js: fingerprinted(&dir, "js/app.js"),
            htmx: fingerprinted(&dir, HTMX_FILE),
        }
    })
}
