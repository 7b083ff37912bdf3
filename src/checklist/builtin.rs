//! The checklists embedded in the binary, so an installed airisk works with no files.

/// One embedded checklist.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    pub id: &'static str,
    pub text: &'static str,
}

/// Every built-in checklist; the first is the default.
pub const BUILTIN: &[Builtin] = &[
    Builtin {
        id: "ai-risk-control",
        text: include_str!("../../checklists/ai-risk-control.yaml"),
    },
    Builtin {
        id: "csa-lifecycle",
        text: include_str!("../../checklists/csa-lifecycle.yaml"),
    },
    Builtin {
        id: "ml-test-score",
        text: include_str!("../../checklists/ml-test-score.yaml"),
    },
    Builtin {
        id: "genai-addendum",
        text: include_str!("../../checklists/genai-addendum.yaml"),
    },
];

/// The checklist used when neither `--checklist` nor the answer file names one.
pub const DEFAULT_CHECKLIST: &str = "ai-risk-control";

pub fn find_builtin(id: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.id == id)
}
