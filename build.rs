//! Converts the built-in checklists to JSON at build time: the binary parses them on every
//! run, and serde_json reads the same data several times faster than serde_yaml. The YAML
//! stays embedded too, for its hash, `airisk show` and diagnostics.

use std::error::Error;
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
    }
    Ok(())
}
