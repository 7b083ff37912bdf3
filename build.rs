//! Converts the built-in checklists to JSON at build time: the binary parses them on every
//! run, and serde_json reads the same data several times faster than serde_yaml. The YAML
//! stays embedded too, for `airisk show` and diagnostics; its SHA-256, which reports
//! print, is computed here once as well. The quality patterns of `src/quality/patterns.rs`
//! are compiled here into DFAs, stored in the target's byte order.

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

const BUILTIN: &[&str] = &[
    "ai-risk-control",
    "csa-lifecycle",
    "ml-test-score",
    "genai-addendum",
];

mod quality_patterns {
    include!("src/quality/patterns.rs");
}

fn main() -> Result<(), Box<dyn Error>> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    println!("cargo::rerun-if-changed=src/quality/patterns.rs");
    let little = std::env::var("CARGO_CFG_TARGET_ENDIAN")? == "little";
    for (stem, pattern) in quality_patterns::ALL {
        // Minimised: a smaller table is also less to check when it is loaded.
        let regex = regex_automata::dfa::regex::Regex::builder()
            .dense(regex_automata::dfa::dense::Config::new().minimize(true))
            .build(pattern)?;
        for (end, dfa) in [("fwd", regex.forward()), ("rev", regex.reverse())] {
            let (bytes, pad) = if little {
                dfa.to_bytes_little_endian()
            } else {
                dfa.to_bytes_big_endian()
            };
            std::fs::write(out.join(format!("quality-{stem}.{end}.dfa")), &bytes[pad..])?;
        }
    }
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
