//! The checklists embedded in the binary, so an installed airisk works with no files.

/// One embedded checklist.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    pub id: &'static str,
    /// The YAML as written: what is hashed, shown and pointed into.
    pub text: &'static str,
    /// The same data as JSON, made by `build.rs`: what is parsed on every run.
    pub json: &'static str,
    /// SHA-256 of `text`, made by `build.rs`.
    pub sha256: &'static str,
}

/// Every built-in checklist; the first is the default. A `static`: a `const`'s data is
/// copied into each codegen unit that uses it, and the texts are 0.5 MB.
pub static BUILTIN: &[Builtin] = &[
    Builtin {
        id: "ai-risk-control",
        text: include_str!("../../checklists/ai-risk-control.yaml"),
        json: include_str!(concat!(env!("OUT_DIR"), "/ai-risk-control.json")),
        sha256: include_str!(concat!(env!("OUT_DIR"), "/ai-risk-control.sha256")),
    },
    Builtin {
        id: "csa-lifecycle",
        text: include_str!("../../checklists/csa-lifecycle.yaml"),
        json: include_str!(concat!(env!("OUT_DIR"), "/csa-lifecycle.json")),
        sha256: include_str!(concat!(env!("OUT_DIR"), "/csa-lifecycle.sha256")),
    },
    Builtin {
        id: "ml-test-score",
        text: include_str!("../../checklists/ml-test-score.yaml"),
        json: include_str!(concat!(env!("OUT_DIR"), "/ml-test-score.json")),
        sha256: include_str!(concat!(env!("OUT_DIR"), "/ml-test-score.sha256")),
    },
    Builtin {
        id: "genai-addendum",
        text: include_str!("../../checklists/genai-addendum.yaml"),
        json: include_str!(concat!(env!("OUT_DIR"), "/genai-addendum.json")),
        sha256: include_str!(concat!(env!("OUT_DIR"), "/genai-addendum.sha256")),
    },
];

/// The checklist used when neither `--checklist` nor the answer file names one.
pub const DEFAULT_CHECKLIST: &str = "ai-risk-control";

pub fn find_builtin(id: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.id == id)
}
