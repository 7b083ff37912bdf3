//! Reading input files: one place that decides what a readable input is.
//!
//! Every input goes through [`SourceFile::read`], so the limits and the encoding rules
//! (UTF-8, an optional byte-order mark, any line endings) hold for checklists, answer
//! files, rules files and templates alike.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// Largest input airisk reads. A 100,000-question checklist is about 48 MB; the limit
/// leaves room for that while keeping memory bounded (serde_yaml holds about 4.5 times
/// the input while it parses).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

const UTF8_BOM: &str = "\u{feff}";

/// An input's text, with what is needed to point into it and to trace it in a report.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics: the path as the user gave it, or `<builtin>/...`.
    pub name: String,
    /// The file on disk, when there is one (built-in checklists have none).
    pub path: Option<PathBuf>,
    /// The text without a leading byte-order mark; borrowed from the binary for built-in
    /// text (a copy of a large checklist costs more than parsing its JSON form).
    pub text: Cow<'static, str>,
    had_bom: bool,
    /// For text built into the binary (and so checked by the tests), its SHA-256.
    embedded: Option<&'static str>,
}

impl SourceFile {
    /// Text embedded in the binary, with its SHA-256 computed at build time.
    pub fn embedded(name: &str, text: &'static str, sha256: &'static str) -> Self {
        let (text, had_bom) = strip_bom(text);
        Self {
            name: name.to_owned(),
            path: None,
            text: Cow::Borrowed(text),
            had_bom,
            embedded: Some(sha256),
        }
    }

    /// Text given directly, for tests and in-memory callers.
    pub fn from_string(name: impl Into<String>, text: String) -> Self {
        let had_bom = text.starts_with(UTF8_BOM);
        let text = if had_bom {
            text[UTF8_BOM.len()..].to_owned()
        } else {
            text
        };
        Self {
            name: name.into(),
            path: None,
            text: Cow::Owned(text),
            had_bom,
            embedded: None,
        }
    }

    /// Whether the text is built into the binary.
    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// Reads a file, refusing anything that is not a regular, readable, UTF-8 file of at
    /// most [`MAX_INPUT_BYTES`].
    pub fn read(path: &Path) -> Result<Self> {
        let name = path.display().to_string();
        let meta = fs::metadata(path).with_context(|| format!("cannot read {name}"))?;
        // Checked before opening: opening a FIFO would block until a writer appears.
        if meta.is_dir() {
            bail!("cannot read {name}: it is a directory, not a file");
        }
        if !meta.is_file() {
            bail!("cannot read {name}: not a regular file (a FIFO, socket or device)");
        }
        if meta.len() > MAX_INPUT_BYTES {
            bail!(
                "cannot read {name}: the file is {} MiB, more than the limit of {} MiB",
                meta.len() / (1024 * 1024),
                MAX_INPUT_BYTES / (1024 * 1024)
            );
        }
        let file = fs::File::open(path).with_context(|| format!("cannot read {name}"))?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        // The limit holds even if the file grows between metadata() and read().
        file.take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {name}"))?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            bail!("cannot read {name}: the file grew past the limit while being read");
        }
        let text = decode(&name, bytes)?;
        let mut source = Self::from_string(name, text);
        source.path = Some(path.to_path_buf());
        Ok(source)
    }

    /// Lower-case hex SHA-256 of the bytes as they are on disk (byte-order mark included).
    pub fn sha256(&self) -> String {
        if let Some(known) = self.embedded {
            return known.to_owned();
        }
        let mut hasher = Sha256::new();
        if self.had_bom {
            hasher.update(UTF8_BOM.as_bytes());
        }
        hasher.update(self.text.as_bytes());
        let digest = hasher.finalize();
        let mut hex = String::with_capacity(64);
        for byte in digest {
            // Writing to a String cannot fail.
            let _ = write!(hex, "{byte:02x}");
        }
        hex
    }

    /// The folder relative paths inside this file are resolved against.
    pub fn base_dir(&self) -> Option<&Path> {
        self.path.as_deref().map(|p| match p.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        })
    }
}

fn strip_bom(text: &str) -> (&str, bool) {
    match text.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, true),
        None => (text, false),
    }
}

fn decode(name: &str, bytes: Vec<u8>) -> Result<String> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        bail!("cannot read {name}: the file is UTF-16; save it as UTF-8");
    }
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let bytes = err.as_bytes();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        let column = offset - bytes[..offset].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        anyhow::anyhow!(
            "cannot read {name}:{line}:{column}: invalid UTF-8 (byte offset {offset}); save the file as UTF-8"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_stripped_and_kept_for_the_hash() {
        let with = SourceFile::from_string("a", "\u{feff}x: 1\n".to_owned());
        assert_eq!(with.text, "x: 1\n");
        let without = SourceFile::from_string("b", "x: 1\n".to_owned());
        assert_ne!(with.sha256(), without.sha256());
        assert_eq!(
            without.sha256(),
            "d09edadd173a8bbc233d47dcafc30cc876af2fb569812f2bbe0e92a1905bbce8"
        );
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let err = decode("f.yaml", b"a: 1\nb: \xff\n".to_vec()).unwrap_err();
        assert!(err.to_string().contains("f.yaml:2:4"), "{err}");
    }

    #[test]
    fn utf16_is_refused_with_advice() {
        let err = decode("f.yaml", vec![0xff, 0xfe, b'a', 0]).unwrap_err();
        assert!(err.to_string().contains("UTF-16"), "{err}");
    }
}
