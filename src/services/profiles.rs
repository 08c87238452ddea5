//! A developer's own profile: loading it for the form, saving it, the avatar.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::db::{DbConn, DbError, write_transaction};
use crate::domain::{CommitmentOffer, TimeZone};
use crate::error::InfraError;
use crate::models::{self, developer, developer_skill, experience, skill};

/// What `/me/profile` shows and edits.
#[derive(Debug, Clone)]
pub struct Profile {
    pub developer: developer::DeveloperRow,
    /// (slug, name, years)
    pub skills: Vec<(String, String, i32)>,
    pub experiences: Vec<experience::ExperienceRow>,
}

pub fn load(conn: &mut DbConn, developer_id: i32) -> Result<Profile, DbError> {
    Ok(Profile {
        developer: developer::find(conn, developer_id)?,
        skills: developer_skill::named_for_developer(conn, developer_id)?,
        experiences: experience::for_developer(conn, developer_id)?,
    })
}

pub fn skills_catalogue(conn: &mut DbConn) -> Result<Vec<skill::SkillRow>, DbError> {
    Ok(skill::all(conn)?)
}

#[derive(Debug, Clone)]
pub struct ExperienceInput {
    pub company_name: String,
    pub title: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub summary: String,
}

/// A validated profile, ready to save.
#[derive(Debug, Clone)]
pub struct ProfileInput {
    pub headline: String,
    pub bio: String,
    pub country_code: String,
    pub time_zone: TimeZone,
    pub years_experience: i32,
    pub commitment: CommitmentOffer,
    pub available_from: Option<NaiveDate>,
    pub github_url: Option<String>,
    pub linkedin_url: Option<String>,
    pub website_url: Option<String>,
    /// (skill slug, years)
    pub skills: Vec<(String, i32)>,
    pub experiences: Vec<ExperienceInput>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("unknown skill {0}")]
    UnknownSkill(String),
    #[error(transparent)]
    Infra(#[from] InfraError),
}

crate::infra_error!(ProfileError);

/// Writing the avatar's file failed.
impl From<std::io::Error> for ProfileError {
    fn from(e: std::io::Error) -> Self {
        ProfileError::Infra(InfraError::Storage(e))
    }
}

/// Saves everything at once: a failed save changes nothing.
pub fn save(conn: &mut DbConn, developer_id: i32, input: ProfileInput) -> Result<(), ProfileError> {
    let catalogue = skill::all(conn)?;
    write_transaction(conn, |conn| {
        let now = models::now();
        developer::update_profile(
            conn,
            developer_id,
            &developer::ProfileChanges {
                headline: input.headline,
                bio: input.bio,
                country_code: input.country_code,
                time_zone: input.time_zone.name().to_owned(),
                years_experience: input.years_experience,
                commitment: input.commitment,
                available_from: input.available_from,
                github_url: input.github_url,
                linkedin_url: input.linkedin_url,
                website_url: input.website_url,
                updated_at: now,
            },
        )?;
        let mut rows: Vec<developer_skill::DeveloperSkillRow> = Vec::new();
        for (slug, years) in &input.skills {
            let id = catalogue
                .iter()
                .find(|s| &s.slug == slug)
                .map(|s| s.id)
                .ok_or_else(|| ProfileError::UnknownSkill(slug.clone()))?;
            // The same skill twice keeps the larger number of years.
            match rows.iter_mut().find(|r| r.skill_id == id) {
                Some(existing) => existing.years = existing.years.max(*years),
                None => rows.push(developer_skill::DeveloperSkillRow {
                    developer_id,
                    skill_id: id,
                    years: *years,
                }),
            }
        }
        developer_skill::replace(conn, developer_id, &rows)?;
        let experiences: Vec<experience::NewExperience> = input
            .experiences
            .into_iter()
            .enumerate()
            .map(|(position, e)| experience::NewExperience {
                developer_id,
                company_name: e.company_name,
                title: e.title,
                started_on: e.started_on,
                ended_on: e.ended_on,
                summary: e.summary,
                position: position as i32,
            })
            .collect();
        experience::replace(conn, developer_id, &experiences)?;
        crate::catalog::search_index::refresh(conn, &[developer_id])?;
        Ok(())
    })
}

pub fn confirm_availability(conn: &mut DbConn, developer_id: i32) -> Result<(), DbError> {
    developer::confirm_availability(conn, developer_id, models::now())?;
    Ok(())
}

// ---- avatars ----------------------------------------------------------------------

pub const AVATAR_MAX_BYTES: usize = 2 * 1024 * 1024;
pub const AVATAR_SIZE: u32 = 400;
/// Larger images are refused before decoding (a small file can claim huge dimensions).
const AVATAR_MAX_DIMENSION: u32 = 6000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AvatarError {
    #[error("Choose a picture of at most 2 MB.")]
    TooLarge,
    #[error("Choose a PNG, JPEG or WebP picture.")]
    UnsupportedType,
    #[error("That picture is {0}×{1} pixels; use one at most 6000 pixels on each side.")]
    TooManyPixels(u32, u32),
    #[error("That file isn't a picture we can read; it may be damaged.")]
    Unreadable,
    #[error("Choose a picture to upload.")]
    Empty,
}

/// Decodes an uploaded picture, crops it square around the centre, scales it to 400 px and
/// re-encodes it as JPEG (which drops EXIF and every other piece of metadata).
pub fn process_avatar(bytes: &[u8]) -> Result<Vec<u8>, AvatarError> {
    use image::{ImageFormat, ImageReader, Limits};
    if bytes.is_empty() {
        return Err(AvatarError::Empty);
    }
    if bytes.len() > AVATAR_MAX_BYTES {
        return Err(AvatarError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| AvatarError::UnsupportedType)?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
    ) {
        return Err(AvatarError::UnsupportedType);
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|_| AvatarError::Unreadable)?;
    if width > AVATAR_MAX_DIMENSION || height > AVATAR_MAX_DIMENSION {
        return Err(AvatarError::TooManyPixels(width, height));
    }
    reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(AVATAR_MAX_DIMENSION);
    limits.max_image_height = Some(AVATAR_MAX_DIMENSION);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| AvatarError::Unreadable)?;
    let side = image.width().min(image.height());
    let x = (image.width() - side) / 2;
    let y = (image.height() - side) / 2;
    let square = image.crop_imm(x, y, side, side).resize_exact(
        AVATAR_SIZE,
        AVATAR_SIZE,
        image::imageops::FilterType::Lanczos3,
    );
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&square.to_rgb8())
        .map_err(|_| AvatarError::Unreadable)?;
    Ok(out.into_inner())
}

pub fn avatar_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("avatars")
}

/// The first 16 hex digits of the SHA-256 of `bytes`: avatar file names carry it, so a new
/// picture has a new URL and a served one can be cached for a year.
pub fn content_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(bytes)[..8])
}

/// What an avatar file is, told by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvatarKind {
    /// An uploaded picture, re-encoded by [`process_avatar`].
    Photo,
    /// A monogram generated by [`store_monogram`] (never uploaded: uploads are JPEG only).
    Monogram,
}

impl AvatarKind {
    pub fn content_type(self) -> &'static str {
        match self {
            AvatarKind::Photo => "image/jpeg",
            AvatarKind::Monogram => "image/svg+xml",
        }
    }
}

/// The kind of the avatar file called `name`, or `None` when the name is not one we write
/// (anything with a path separator, `..`, or another extension).
pub fn avatar_kind(name: &str) -> Option<AvatarKind> {
    let plain = name.len() < 80
        && !name.contains("..")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if !plain {
        return None;
    }
    if name.ends_with(".jpg") {
        Some(AvatarKind::Photo)
    } else if name.starts_with("m-") && name.ends_with(".svg") {
        Some(AvatarKind::Monogram)
    } else {
        None
    }
}

/// The side of generated monograms, as drawn (SVG scales).
const MONOGRAM_SIZE: u32 = 200;

/// Writes the SVG monogram of `name` (once: the file is named by its content hash, and
/// developers with the same initials and tone share it) and returns its file name.
pub fn store_monogram(data_dir: &Path, name: &str) -> std::io::Result<String> {
    let svg = crate::domain::monogram::svg(name, MONOGRAM_SIZE);
    let file = format!("m-{}.svg", content_hash(svg.as_bytes()));
    let path = avatar_dir(data_dir).join(&file);
    if !path.exists() {
        std::fs::create_dir_all(avatar_dir(data_dir))?;
        std::fs::write(path, svg)?;
    }
    Ok(file)
}

/// Writes the processed picture as `{developer id}-{content hash}.jpg` and points the
/// profile at it; the previous upload is removed. Generated monograms (`.svg`) are shared
/// between developers by their content hash, so they stay.
pub fn store_avatar(
    conn: &mut DbConn,
    data_dir: &Path,
    developer_id: i32,
    jpeg: &[u8],
) -> Result<String, ProfileError> {
    let dir = avatar_dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let name = format!("{developer_id}-{}.jpg", content_hash(jpeg));
    std::fs::write(dir.join(&name), jpeg)?;
    let previous = developer::find(conn, developer_id)?.avatar_path;
    developer::set_avatar(conn, developer_id, Some(&name), models::now())?;
    if let Some(old) = previous.filter(|old| {
        *old != name && old.ends_with(".jpg") && !old.contains('/') && !old.contains("..")
    }) {
        let _ = std::fs::remove_file(dir.join(old));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 255) as u8, (y % 255) as u8, 128])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn avatars_are_cropped_square_and_re_encoded() {
        let jpeg = process_avatar(&png(900, 600)).unwrap();
        let decoded = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (400, 400));
        assert_eq!(
            image::guess_format(&jpeg).unwrap(),
            image::ImageFormat::Jpeg
        );
    }

    #[test]
    fn only_names_we_write_are_avatar_files() {
        assert_eq!(
            avatar_kind("7-0123456789abcdef.jpg"),
            Some(AvatarKind::Photo)
        );
        assert_eq!(
            avatar_kind("m-0123456789abcdef.svg"),
            Some(AvatarKind::Monogram)
        );
        for bad in [
            "../secret.jpg",
            "..jpg",
            "a/b.jpg",
            "session.key",
            "7-abc.svg",
            "m-abc.svg.exe",
            "m-abc.jpeg",
            "",
        ] {
            assert_eq!(avatar_kind(bad), None, "{bad}");
        }
    }

    #[test]
    fn monograms_are_written_once_under_their_content_hash() {
        let dir = std::env::temp_dir().join(format!("ladder-monogram-{}", std::process::id()));
        let a = store_monogram(&dir, "Kamau L.").unwrap();
        let b = store_monogram(&dir, "Kamau L.").unwrap();
        assert_eq!(a, b);
        assert!(
            a.starts_with("m-") && a.ends_with(".svg") && a.len() == 22,
            "{a}"
        );
        assert_eq!(avatar_kind(&a), Some(AvatarKind::Monogram));
        let svg = std::fs::read(avatar_dir(&dir).join(&a)).unwrap();
        assert_eq!(a, format!("m-{}.svg", content_hash(&svg)));
        assert_ne!(store_monogram(&dir, "Maya O.").unwrap(), a);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_avatars_are_refused_with_reasons() {
        assert_eq!(process_avatar(b""), Err(AvatarError::Empty));
        assert_eq!(
            process_avatar(b"GIF89a....."),
            Err(AvatarError::UnsupportedType)
        );
        assert_eq!(
            process_avatar(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            Err(AvatarError::UnsupportedType)
        );
        let mut truncated = png(300, 300);
        truncated.truncate(truncated.len() / 2);
        assert_eq!(process_avatar(&truncated), Err(AvatarError::Unreadable));
        assert_eq!(
            process_avatar(&vec![0u8; AVATAR_MAX_BYTES + 1]),
            Err(AvatarError::TooLarge)
        );
    }
}
