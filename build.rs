//! Converts the built-in checklists to JSON at build time: the binary parses them on every
//! run, and serde_json reads the same data several times faster than serde_yaml. The YAML
//! stays embedded too, for `airisk show` and diagnostics; its SHA-256, which reports
//! print, is computed here once as well.

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

const BUILTIN: &[&str] = &[
    "ai-risk-control",
    "csa-lifecycle",
    "ml-test-score",
    "genai-addendum",
];

fn main() -> Result<(), Box<dyn Error>> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    for id in BUILTIN {
        let path = format!("checklists/{id}.yaml");
        println!("cargo::rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path)?;
        let value: serde_json::Value =
            serde_yaml::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
        std::fs::write(
            out.join(format!("{id}.json")),
            serde_json::to_string(&value)?,
        )?;
        let digest = <sha2::Sha256 as sha2::Digest>::digest(text.as_bytes());
        let hex = digest.iter().fold(String::new(), |mut hex, b| {
            // Writing to a String cannot fail.
            let _ = write!(hex, "{b:02x}");
            hex
        });
        std::fs::write(out.join(format!("{id}.sha256")), hex)?;
    }
    Ok(())
}
