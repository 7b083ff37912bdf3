//! Synthetic inputs for benchmarks: a checklist of N questions and a matching answer file.
//!
//! Used by the generator (`cargo run --release --example generate -- N OUTDIR`,
//! benches/tools/generate.rs), by the criterion benchmarks and by the library's unit tests
//! for inputs of any size. It mirrors the Python baseline generator (`../shared/bench/gen.py`): the
//! same four sections, topics, severity weights, Y/N/NA mix (65/20/15), elaboration
//! lengths (about 85 % of 100-400 characters, 15 % of 40-95) and sentences with Unicode
//! and HTML-special characters (`<script>`, `&`, `|`, quotes). It differs where airisk
//! asks more of an answer file than the Python sketch did, so that the generated file is
//! valid **without warnings** and every benchmark measures the path of a valid file:
//!
//! - rules use airisk's language, about N/2 of them over every condition kind: answer in
//!   a set, shorter-than, matches (inline `(?i)` and `ignore-case`), not-matches with
//!   `ignore-case`, evidence-missing, placeholder, missing, and `all` / `any` / `not`;
//! - every elaboration ends with a reference (`Tracked as RISK-000123.`), so no two are
//!   the same (`duplicate-elaboration`) and a Y always names something specific;
//! - an NA elaboration starts with the reason the question does not apply;
//! - a Y answer never says "no owner yet" (`contradicting-elaboration`);
//! - evidence paths name two files that [`write`] creates beside the answer file.
//!
//! Real answer files are rarely that clean: [`with_warnings`] makes one that carries the
//! usual warnings, for measuring the path real files take.
//!
//! Everything comes from a seeded SplitMix64 generator: the same N and seed always give
//! byte-identical files, on every platform.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

/// The seed the generator uses unless told otherwise (gen.py's default too).
pub const DEFAULT_SEED: u64 = 42;

/// Files, relative to the answer file, that evidence entries may name; [`write`] creates them.
pub const EVIDENCE_FILES: [&str; 2] = ["docs/model-card.md", "docs/risk-register.md"];

/// Section titles; each id is the first word of its title in lower case, as in gen.py.
const SECTIONS: [&str; 4] = [
    "Data sourcing, quality and governance",
    "Modelling, evaluation and fairness",
    "Infrastructure, security and deployment",
    "Monitoring, incident response and retirement",
];

fn section_id(title: &str) -> String {
    title
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}
const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];
const SEVERITY_WEIGHTS: [u32; 4] = [30, 35, 25, 10];

const TOPICS: [[&str; 10]; 4] = [
    [
        "training data lineage",
        "consent for personal data",
        "PII minimisation",
        "label quality",
        "dataset versioning",
        "data retention",
        "third-party data licences",
        "sampling bias",
        "train/test leakage",
        "data access controls",
    ],
    [
        "baseline comparison",
        "fairness metrics",
        "hyper-parameter search",
        "evaluation on held-out data",
        "model card",
        "explainability",
        "robustness to distribution shift",
        "reproducible training",
        "threshold selection",
        "human review of edge cases",
    ],
    [
        "secrets management",
        "model artefact signing",
        "dependency pinning",
        "rollback procedure",
        "network isolation",
        "GPU quota limits",
        "CI for model code",
        "access logging",
        "encryption at rest",
        "canary releases",
    ],
    [
        "drift detection",
        "alerting thresholds",
        "on-call rota",
        "incident post-mortems",
        "feedback loops",
        "performance dashboards",
        "retraining triggers",
        "model retirement plan",
        "user complaint handling",
        "audit trail",
    ],
];
const VERBS: [&str; 7] = [
    "documented and reviewed",
    "owned by a named person",
    "tested automatically",
    "checked before every release",
    "agreed with the data protection officer",
    "covered by a written policy",
    "measured and tracked over time",
];

const SENTENCES: [&str; 24] = [
    "We version every training snapshot in DVC and tag it with the Git commit of the pipeline.",
    "Lineage is captured per feature, so an auditor can trace each column back to its source table.",
    "Owner: Zoë Müller (Zürich office) — reviewed quarterly with the risk committee.",
    "The p95 latency budget is ≤ 200 ms and we alert when it is exceeded for 5 minutes.",
    "Drift thresholds are < 0.5 % PSI & > 99.9 % availability, both checked hourly.",
    "Exports use a pipe-separated format (a|b|c) that the finance team imports directly.",
    "The \"golden\" evaluation set is frozen; nobody may retrain on it without sign-off.",
    "Our vendor's SLA says 'best effort', which we flagged to procurement in March.",
    "A red-team exercise tried <script>alert('x')</script> payloads in free-text inputs.",
    "数据治理 policy v2 applies to all datasets stored in the EU region.",
    "✅ Signed off by Łukasz Wójcik and Søren Kierkegaard-Hansen on 2024-05-02.",
    "Fairness is assessed across age bands, gender and postcode deciles every release.",
    "Secrets live in Vault; CI jobs receive short-lived tokens scoped to one bucket.",
    "Rollback is a one-line Helm command, rehearsed in the last game day (RTO ≈ 15 min).",
    "Alerts route to PagerDuty; the on-call engineer acknowledges within 10 minutes.",
    "We compare against a logistic-regression baseline & report the delta with 95 % CIs.",
    "Model cards follow the template in docs/model-card.md and are linked from the registry.",
    "Edge cases flagged by the classifier (score 0.4–0.6) go to a human reviewer queue.",
    "Access to raw PII requires a ticket approved by the DPO; grants expire after 30 days.",
    "Retraining is triggered when accuracy drops > 2 pp against the rolling 4-week mean.",
    "Encryption at rest uses AES-256 with keys rotated every 90 days by the platform team.",
    "Complaints from users are tagged \"model-related\" and reviewed weekly by the product owner.",
    "Canary releases serve 5 % of traffic for 24 h before a full roll-out is approved.",
    "The naïve Bayes fallback remains deployed in case the main model is withdrawn.",
];
const MANUAL: [&str; 4] = [
    "Checks are still manual: an analyst copies figures into a shared spreadsheet each sprint.",
    "Today this is a manual step done by whoever is on call, with no written checklist.",
    "Tracking happens in an Excel spreadsheet that only two people know how to update.",
    "Approval is manual and relies on e-mail threads; we plan to move it into the ticketing tool.",
];
const SHORT: [&str; 8] = [
    "Yes, handled by the platform team.",
    "Not applicable for this batch model.",
    "Partially; see the wiki page <link>.",
    "Done & reviewed by Zoë.",
    "No owner yet — to be decided.",
    "Covered by the vendor's contract.",
    "We rely on the \"default\" settings.",
    "Manual check once per release.",
];
/// The one short text the contradiction check flags on a Y answer.
const NOT_FOR_Y: &str = "No owner yet — to be decided.";
const EVIDENCE: [&str; 5] = [
    "https://wiki.example.org/ml/{q}",
    "{file}",
    "JIRA-{n}",
    "s3://ml-artefacts/reports/{q}.pdf",
    "https://dashboards.example.org/d/{n}",
];
/// Patterns of `elaboration-matches` rules; gen.py's, written with `(?i)` or `ignore-case`.
const MATCHES: [&str; 4] = [
    "manual|spreadsheet",
    "\\b(tbd|to be decided|no owner)\\b",
    "e-mail|excel",
    "best effort|vendor",
];
/// Patterns of `elaboration-not-matches` rules (always with `ignore-case: true`).
const NOT_MATCHES: [&str; 3] = [
    "review|audit|test",
    "owner|on-call|rota",
    "automat|pipeline|CI",
];

/// SplitMix64: tiny, fast, and the same stream on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-40 for our n).
    pub fn below(&mut self, n: usize) -> usize {
        let wide = u128::from(self.next_u64()) * n as u128;
        usize::try_from(wide >> 64).unwrap_or(0)
    }

    /// Uniform in `low..=high`.
    pub fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// An index drawn with the given weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = u32::try_from(self.below(total as usize)).unwrap_or(0);
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The two generated files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synth {
    pub checklist: String,
    pub answers: String,
    pub questions: usize,
    pub rules: usize,
}

struct Q {
    id: String,
    topic: &'static str,
}

/// Generates a checklist of `n` questions (at least 4) and a valid answer file for it.
pub fn generate(n: usize, seed: u64) -> Synth {
    let n = n.max(4);
    let mut rng = Rng::new(seed);
    let mut questions: Vec<Q> = Vec::with_capacity(n);
    let mut checklist = String::with_capacity(n * 520);
    checklist.push_str(
        "# Synthetic checklist written by `airisk generate` for benchmarks; not a real checklist.\n",
    );
    checklist.push_str(
        "id: airisk-bench\nversion: \"1.0.0\"\ntitle: AI risk review checklist (benchmark)\n",
    );
    checklist.push_str(
        "description: >-\n  Generated for performance measurements: questions, rules and answers are random\n  but realistic in size and mix.\nsections:\n",
    );
    let (per, extra) = (n / SECTIONS.len(), n % SECTIONS.len());
    let mut number = 0;
    for (si, title) in SECTIONS.iter().enumerate() {
        let sid = section_id(title);
        let _ = write!(
            checklist,
            "  - id: {sid}\n    title: {}\n    questions:\n",
            scalar(title)
        );
        for _ in 0..per + usize::from(si < extra) {
            number += 1;
            let id = format!("{sid}-{number:06}");
            let topic = rng.pick(&TOPICS[si]);
            let verb = rng.pick(&VERBS);
            let severity = SEVERITIES[rng.weighted(&SEVERITY_WEIGHTS)];
            let min = rng.pick(&[10, 20, 30, 40]);
            let _ = write!(
                checklist,
                "      - id: {id}\n        question: {}\n        guidance: {}\n        severity: {severity}\n        min-elaboration: {min}\n",
                scalar(&format!("Is the {topic} for this system {verb}?")),
                scalar(&format!(
                    "Describe how {topic} is handled, who owns it and where the evidence lives. Answer NA only if the system never touches {topic}; explain why."
                )),
            );
            questions.push(Q { id, topic });
        }
    }
    let rules = n / 2;
    checklist.push_str("rules:\n");
    for number in 1..=rules {
        rule(&mut checklist, &mut rng, &questions, number);
    }

    let mut answers = String::with_capacity(n * 420);
    answers.push_str(
        "# Synthetic answers written by `airisk generate` for benchmarks.\nchecklist: checklist.yaml\nproject:\n  name: \"Credit-limit model «CLM-7»\"\n  owner: risk-ml@example.org\nanswers:\n",
    );
    for (ordinal, q) in questions.iter().enumerate() {
        let answer = ["Y", "N", "NA"][rng.weighted(&[65, 20, 15])];
        let short = rng.chance(15);
        let manual = rng.chance(12);
        let text = elaboration(&mut rng, answer, q.topic, short, manual, ordinal + 1);
        let _ = write!(
            answers,
            "  {}:\n    answer: {answer}\n    elaboration: >-\n",
            q.id
        );
        folded(&mut answers, &text, "      ");
        let count = rng.range(0, 3);
        if count == 0 {
            answers.push_str("    evidence: []\n");
        } else {
            answers.push_str("    evidence:\n");
            for _ in 0..count {
                let template = rng.pick(&EVIDENCE);
                let item = template
                    .replace("{q}", &q.id)
                    .replace("{n}", &rng.range(100, 99_999).to_string())
                    .replace("{file}", rng.pick(&EVIDENCE_FILES));
                let _ = writeln!(answers, "      - {}", scalar(&item));
            }
        }
    }
    Synth {
        checklist,
        answers,
        questions: n,
        rules,
    }
}

/// Writes `checklist.yaml`, `answers.yaml` and the evidence files into `dir`; the answers
/// [`with_warnings`] if `warnings`.
pub fn write(n: usize, dir: &Path, seed: u64, warnings: bool) -> Result<Synth> {
    let mut synth = generate(n, seed);
    if warnings {
        synth.answers = with_warnings(&synth.answers);
    }
    for file in EVIDENCE_FILES {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(
            &path,
            "Evidence placeholder written by `airisk generate`.\n",
        )
        .with_context(|| format!("cannot write {}", path.display()))?;
    }
    for (name, text) in [
        ("checklist.yaml", &synth.checklist),
        ("answers.yaml", &synth.answers),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(synth)
}

/// Generated answers made realistic, with the warnings real files carry: every fifth
/// elaboration is the same pasted text (`duplicate-elaboration`), every other NA gives no
/// reason (`na-without-reason`) and every seventh answer names an evidence file that does
/// not exist (`evidence-not-found`). Line by line, on the layout [`generate`] writes.
pub fn with_warnings(answers: &str) -> String {
    const REPEATED: &str = "    elaboration: >-\n      We follow the team's standard process for this, as documented on the wiki page and reviewed quarterly by the owners.";
    const NO_REASON: &str = "    elaboration: >-\n      Irrelevant for this system at the moment, to be honest with the reviewers of it all.";
    let mut out: Vec<String> = Vec::new();
    let mut lines = answers.split('\n').peekable();
    let (mut question, mut answer) = (0_usize, "");
    while let Some(line) = lines.next() {
        let key = line
            .strip_prefix("  ")
            .and_then(|rest| rest.strip_suffix(':'))
            .and_then(|id| id.split_once('-'));
        if key.is_some_and(|(section, number)| {
            !section.is_empty()
                && section.chars().all(|c| c.is_ascii_lowercase())
                && !number.is_empty()
                && number.chars().all(|c| c.is_ascii_digit())
        }) {
            question += 1;
        }
        if let Some(given) = line.strip_prefix("    answer: ") {
            answer = given;
        }
        if line.starts_with("    elaboration:")
            && (question % 5 == 0 || (answer == "NA" && question % 2 == 0))
        {
            out.push((if answer == "NA" { NO_REASON } else { REPEATED }).to_owned());
            while lines.next_if(|next| next.starts_with("      ")).is_some() {}
            continue;
        }
        if line.starts_with("    evidence:") && question % 7 == 0 {
            out.push(
                if line.trim() == "evidence: []" {
                    "    evidence:"
                } else {
                    line
                }
                .to_owned(),
            );
            out.push(format!("      - docs/missing-{question:06}.md"));
            continue;
        }
        out.push(line.to_owned());
    }
    out.join("\n")
}

/// One rule; the kinds are drawn with fixed weights so every kind appears at any N ≥ 50.
fn rule(out: &mut String, rng: &mut Rng, questions: &[Q], number: usize) {
    // answer-in, answer-in [N, NA], matches (?i), matches ignore-case, shorter-than,
    // not-matches, evidence-missing, all, any, not, placeholder, missing
    const WEIGHTS: [u32; 12] = [35, 5, 5, 10, 15, 8, 7, 4, 4, 3, 2, 2];
    let q = &questions[rng.below(questions.len())].id;
    let other = &questions[rng.below(questions.len())].id;
    let severity = SEVERITIES[rng.weighted(&SEVERITY_WEIGHTS)];
    let pattern = rng.pick(&MATCHES);
    let negative = rng.pick(&NOT_MATCHES);
    let (when, finding, recommendation) = match rng.weighted(&WEIGHTS) {
        0 => (
            format!("{{ question: {q}, answer: [N] }}"),
            format!("{q} is answered N: the control is not in place."),
            "Put the control in place or record an accepted risk with an owner & due date.",
        ),
        1 => (
            format!("{{ question: {q}, answer: [N, NA] }}"),
            format!("{q} is answered N or NA: nobody vouches for the control."),
            "Put the control in place, or explain why it can't apply & have the risk owner sign.",
        ),
        2 => (
            format!(
                "{{ question: {q}, elaboration-matches: {} }}",
                scalar(&format!("(?i){pattern}"))
            ),
            format!("{q} relies on manual or fragile practice (matched (?i){pattern})."),
            "Automate the step and keep its output under version control.",
        ),
        3 => (
            format!(
                "{{ question: {q}, elaboration-matches: {}, ignore-case: true }}",
                scalar(pattern)
            ),
            format!("{q} relies on manual or fragile practice (matched {pattern})."),
            "Automate the step and keep its output under version control.",
        ),
        4 => (
            format!(
                "{{ question: {q}, elaboration-shorter-than: {} }}",
                rng.pick(&[100, 120])
            ),
            format!("{q} has a thin elaboration; reviewers can't judge it."),
            "Explain who does what, how often, and link the evidence (<= 1 page).",
        ),
        5 => (
            format!(
                "{{ question: {q}, answer: [Y], elaboration-not-matches: {}, ignore-case: true }}",
                scalar(negative)
            ),
            format!("{q} is answered Y but never says how it is checked ({negative})."),
            "Say who checks the control, how and how often; a <b>Y</b> needs a \"how\".",
        ),
        6 => (
            format!("{{ question: {q}, answer: [Y], evidence-missing: true }}"),
            format!("{q} is answered Y without any evidence."),
            "List the evidence (links, tickets, repository paths) under `evidence:`.",
        ),
        7 => (
            format!(
                "\n      all:\n        - {{ question: {q}, answer: [Y] }}\n        - {{ question: {other}, answer: [N, NA] }}"
            ),
            format!("{q} depends on {other}, which is not in place."),
            "Close the gap in the control it depends on first.",
        ),
        8 => (
            format!(
                "\n      any:\n        - {{ question: {q}, answer: [N] }}\n        - {{ question: {other}, elaboration-matches: {}, ignore-case: true }}",
                scalar(pattern)
            ),
            format!("{q} or its companion {other} shows a gap."),
            "Review both answers together with the control owners.",
        ),
        9 => (
            format!("\n      not:\n        question: {q}\n        answer: [Y, NA]"),
            format!("{q} is not answered Y or NA."),
            "Put the control in place or record an accepted risk.",
        ),
        10 => (
            format!("{{ question: {q}, elaboration-placeholder: true }}"),
            format!("{q} holds a placeholder instead of an answer."),
            "Replace the placeholder with a real justification.",
        ),
        _ => (
            format!("{{ question: {q}, elaboration-missing: true }}"),
            format!("{q} has no elaboration."),
            "Justify the answer in writing.",
        ),
    };
    let _ = write!(
        out,
        "  - id: r-{number:06}\n    when: {when}\n    severity: {severity}\n    finding: {}\n    recommendation: {}\n",
        scalar(&finding),
        scalar(recommendation),
    );
}

/// An elaboration in gen.py's mix, made unique and warning-free (see the module docs).
pub fn elaboration(
    rng: &mut Rng,
    answer: &str,
    topic: &str,
    short: bool,
    manual: bool,
    ordinal: usize,
) -> String {
    let reference = format!("Tracked as RISK-{ordinal:06}.");
    let reason =
        (answer == "NA").then(|| format!("Does not apply: the system never touches {topic}."));
    let overhead =
        reference.chars().count() + 1 + reason.as_ref().map_or(0, |r| r.chars().count() + 1);
    let mut text = if short {
        let mut text = String::new();
        let limit = 95_usize.saturating_sub(overhead).max(20);
        while text.chars().count() < 40_usize.saturating_sub(overhead).max(12) {
            let part = loop {
                let part = rng.pick(&SHORT);
                if !(answer == "Y" && part == NOT_FOR_Y) {
                    break part;
                }
            };
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(part);
        }
        let cut: String = text.chars().take(limit).collect();
        cut.trim().to_owned()
    } else {
        let target = rng.range(100, 400).saturating_sub(overhead);
        let mut parts: Vec<&str> = Vec::new();
        if manual {
            parts.push(rng.pick(&MANUAL));
        }
        let mut pool: Vec<&str> = SENTENCES.to_vec();
        rng.shuffle(&mut pool);
        let mut length: usize = parts.iter().map(|p| p.chars().count() + 1).sum();
        while length < target {
            let Some(next) = pool.pop() else { break };
            length += next.chars().count() + 1;
            parts.push(next);
        }
        rng.shuffle(&mut parts);
        let text = parts.join(" ");
        let limit = 400 - overhead;
        if text.chars().count() > limit {
            let cut: String = text.chars().take(limit).collect();
            match cut.rfind(' ') {
                Some(space) if space >= 100 => cut[..space].trim().to_owned(),
                _ => cut.trim().to_owned(),
            }
        } else {
            text
        }
    };
    if let Some(reason) = reason {
        text = format!("{reason} {text}");
    }
    text.push(' ');
    text.push_str(&reference);
    text
}

/// Writes `text` as the lines of a folded block scalar (`>-`), wrapped at 92 columns.
/// Words are separated by single spaces, so folding gives the text back exactly.
pub fn folded(out: &mut String, text: &str, indent: &str) {
    let mut width = 0;
    out.push_str(indent);
    for (i, word) in text.split(' ').enumerate() {
        let len = word.chars().count();
        if i > 0 {
            if indent.len() + width + 1 + len > 92 {
                out.push('\n');
                out.push_str(indent);
                width = 0;
            } else {
                out.push(' ');
                width += 1;
            }
        }
        out.push_str(word);
        width += len;
    }
    out.push('\n');
}

/// A YAML scalar that reads back as `text`: plain when that is certainly safe (also in
/// a flow mapping), otherwise double-quoted (a JSON string is a valid YAML one).
pub fn scalar(text: &str) -> String {
    let plain = text.chars().next().is_some_and(char::is_alphabetic)
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " -_.;()/?'".contains(c))
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        text.to_owned()
    } else {
        serde_json::Value::String(text.to_owned()).to_string()
    }
}
