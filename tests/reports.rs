//! Reports: the committed example reports are current, snapshots of both formats, valid
//! HTML (Nu HTML Checker), and hostile answers stay inert in a real browser (Chromium).
//!
//! The checker and the browser are installed by `.ci/run`; on a machine without them
//! those two tests say so and pass, unless AIRISK_REQUIRE_TOOLS=1 (as in CI).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)] // tests fail by panicking and say what they skip

mod common;

use std::path::{Path, PathBuf};

use common::{airisk, fixture, run, tool};

const EXAMPLES: &[&str] = &[
    "mature-fraud-model",
    "prototype-triage",
    "llm-support-chatbot",
    "ml-test-score-recsys",
    "csa-cargo-screening",
];

/// The example reports' date, 2024-11-15: after the latest event any example's answers
/// describe, so no assessment is dated before what it assesses (tests/content.rs checks).
const EXAMPLE_DATE_EPOCH: &str = "1731628800";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Renders a report with the paths as the README shows them (relative to the repository).
fn render(answers: &str, format: &str) -> String {
    let r = run(airisk()
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", EXAMPLE_DATE_EPOCH)
        .args(["report", answers, "--format", format]));
    assert_eq!(r.code, 0, "{answers}: {}", r.stderr);
    r.stdout
}

fn extension(format: &str) -> &'static str {
    if format == "html" { "html" } else { "md" }
}

#[test]
fn committed_example_reports_are_current() {
    let update = std::env::var_os("AIRISK_UPDATE_REPORTS").is_some();
    let mut stale = Vec::new();
    for name in EXAMPLES {
        for format in ["markdown", "html"] {
            let text = render(&format!("examples/{name}.yaml"), format);
            let path = root()
                .join("examples/reports")
                .join(format!("{name}.{}", extension(format)));
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &text).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}\nregenerate with: AIRISK_UPDATE_REPORTS=1 cargo test --test reports committed"
    );
}

/// The review loop's example (examples/review-loop): round 1 as a draft, round 2 signed
/// off, both with the reviewer's file. Arguments as docs/review.md shows them.
const REVIEW_ROUNDS: &[(&str, &[&str])] = &[
    (
        "round-1",
        &["--draft", "--review", "examples/review-loop/review.yaml"],
    ),
    ("round-2", &["--review", "examples/review-loop/review.yaml"]),
];

fn render_round(round: &str, extra: &[&str], format: &str) -> String {
    let r = run(airisk()
        .current_dir(root())
        .arg("report")
        .arg(format!("examples/review-loop/{round}.yaml"))
        .args(extra)
        .args(["--format", format]));
    assert_eq!(r.code, 0, "{round}: {}", r.stderr);
    r.stdout
}

#[test]
fn committed_review_loop_reports_are_current() {
    let update = std::env::var_os("AIRISK_UPDATE_REPORTS").is_some();
    let mut stale = Vec::new();
    for (round, extra) in REVIEW_ROUNDS {
        for format in ["markdown", "html"] {
            let text = render_round(round, extra, format);
            let path = root()
                .join("examples/review-loop/reports")
                .join(format!("{round}.{}", extension(format)));
            if update {
                std::fs::write(&path, &text).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}\nregenerate with: AIRISK_UPDATE_REPORTS=1 cargo test --test reports committed"
    );
    let round2 = render_round("round-2", REVIEW_ROUNDS[1].1, "markdown");
    assert!(round2.starts_with("# FINAL – "), "round 2 is signed off");
    assert!(round2.contains("## Accepted risks"));
    assert!(round2.contains("model-hyperparameter-sensitivity-no: expired on 2023-10-31"));
    assert!(round2.contains("mon-drift-no on mon-drift: matches no finding"));
    let round1 = render_round("round-1", REVIEW_ROUNDS[0].1, "markdown");
    assert!(round1.starts_with("# DRAFT – "), "round 1 is a draft");
    // Rewritten in round 2, and not answered yet in round 1 (questions the checklist added).
    assert!(round1.contains("changed since: data-cross-border-transfer, "));
    assert!(
        round1.contains(", mon-drift, mon-alerting, mon-remediation-on-breach, mon-end-of-life")
    );
}

#[test]
fn example_reports_match_snapshots() {
    for name in EXAMPLES {
        let md = render(&format!("examples/{name}.yaml"), "markdown");
        insta::assert_snapshot!(format!("{name}.md"), md);
        let html = render(&format!("examples/{name}.yaml"), "html");
        insta::assert_snapshot!(format!("{name}.html"), html);
    }
}

#[test]
fn every_example_validates_clean_and_is_assessed() {
    for name in EXAMPLES {
        let path = root().join(format!("examples/{name}.yaml"));
        let (code, diags) = common::validate_json(&path, &[]);
        assert_eq!(code, 0, "{name}: {diags:#?}");
        assert!(diags.is_empty(), "{name} has warnings: {diags:#?}");
        let r = run(airisk().arg("assess").arg(&path).args([
            "--format",
            "json",
            "--fail-on",
            "critical",
        ]));
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(v["findings"].as_array().is_some(), "{name}");
    }
}

#[test]
fn reports_are_byte_identical_across_runs_and_follow_source_date_epoch() {
    let a = render("examples/mature-fraud-model.yaml", "html");
    let b = render("examples/mature-fraud-model.yaml", "html");
    assert_eq!(a, b);
    assert!(
        a.contains("2024-11-15"),
        "the date comes from SOURCE_DATE_EPOCH"
    );
    let other = run(airisk()
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1800000000")
        .args([
            "report",
            "examples/mature-fraud-model.yaml",
            "--format",
            "markdown",
        ]));
    assert!(
        other.stdout.contains("2027-01-15"),
        "{}",
        &other.stdout[..400]
    );
}

#[test]
fn report_carries_traceability() {
    let md = render("examples/llm-support-chatbot.yaml", "markdown");
    for needle in [
        "ai-risk-control",
        "genai-addendum",
        "1.0",
        "airisk",
        "2024-11-15",
    ] {
        assert!(md.contains(needle), "{needle}");
    }
    let sha = |p: &Path| {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(std::fs::read(p).unwrap());
        digest.iter().fold(String::new(), |mut hex, b| {
            use std::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
            hex
        })
    };
    assert!(
        md.contains(&sha(&root().join("examples/llm-support-chatbot.yaml"))),
        "answer file hash"
    );
    assert!(
        md.contains(&sha(&root().join("checklists/genai-addendum.yaml"))),
        "checklist hash"
    );
}

#[test]
fn html_is_self_contained() {
    let html = render("examples/prototype-triage.yaml", "html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("@media print"));
    for forbidden in [
        "<script", "<link", "src=", "@import", "url(", "<img", "<iframe",
    ] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    // Links go out only to be followed, never to load anything, and carry no referrer.
    for (i, _) in html.match_indices("<a href=\"") {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        assert!(
            tag.starts_with("<a href=\"#") || tag.ends_with("\" rel=\"noreferrer noopener\""),
            "{tag}"
        );
    }
    assert!(
        html.contains("<svg class=\"chart\" role=\"img\""),
        "the chart"
    );
}

/// The links of the links fixture: evidence that is a plain http(s) URL, and references of
/// a known scheme with a valid identifier, at their fixed addresses. Nothing else.
const LINKS: &str = "hostile/links.yaml";
const EVIDENCE_LINKS: &[&str] = &[
    "http://localhost:8080/report",
    "https://Docs.Example.org/Card_1.md?x=1&y=2#top",
    "https://wiki.example.org/data-register",
    "https://xn--e1afmkfd.example/ok",
];
const EXPECTED_LINKS: &[&str] = &[
    "http://localhost:8080/report",
    "https://Docs.Example.org/Card_1.md?x=1&y=2#top",
    "https://atlas.mitre.org/techniques/AML.T0010.002",
    "https://doi.org/10.1109/BigData.2017.8258038",
    "https://doi.org/10.6028/NIST.AI.100-1",
    "https://genai.owasp.org/llmrisk/llm01-prompt-injection/",
    "https://owasp.org/www-project-machine-learning-security-top-10/docs/ML02_2023-Data_Poisoning_Attack",
    "https://refs.example/guide?a=1&b=2",
    "https://wiki.example.org/data-register",
    "https://www.csa.gov.sg/resources/publications/guidelines-and-companion-guide-on-securing-ai-systems/",
    "https://xn--e1afmkfd.example/ok",
];

/// The distinct link targets outside the page, with entities decoded.
fn external_links(tags: &[(String, Vec<(String, String)>)]) -> Vec<String> {
    let mut links: Vec<String> = tags
        .iter()
        .flat_map(|(_, attributes)| attributes)
        .filter(|(a, v)| a == "href" && !v.starts_with('#'))
        .map(|(_, v)| decode_entities(v))
        .collect();
    links.sort();
    links.dedup();
    links
}

fn decode_entities(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#35;", "#")
        .replace("&#58;", ":")
        .replace("&amp;", "&")
}

#[test]
fn only_plain_web_addresses_and_known_references_become_links() {
    for format in ["html", "markdown"] {
        let (_dir, _, text) = hostile_report_of(LINKS, format);
        let lower = text.to_lowercase();
        // As GitHub renders the Markdown: hostile_markdown_renders_inert_as_github_flavoured_markdown.
        for scheme in ["javascript:", "data:", "vbscript:", "file:", "ftp:"] {
            assert!(
                format != "html" || !lower.contains(&format!("href=\"{scheme}")),
                "{format}: {scheme} is a link"
            );
        }
        for link in EXPECTED_LINKS {
            let written = if format == "html" {
                link.replace('/', "&#x2f;")
                    .replace('&', "&amp;")
                    .replace("&amp;#x2f;", "&#x2f;")
            } else {
                format!("]({})", link.replace('&', "\\&"))
            };
            assert!(
                text.contains(&written),
                "{format}: no link to {link}: {written}"
            );
        }
    }
    let (_dir, _, html) = hostile_report_of(LINKS, "html");
    assert_eq!(external_links(&parse_tags(&html)), EXPECTED_LINKS);
}

#[test]
fn user_template_replaces_the_builtin_and_errors_name_the_line() {
    let dir = assert_fs::TempDir::new().unwrap();
    let good = dir.path().join("mine.md.j2");
    std::fs::write(&good, "Project {{ project.name | md }}: {{ rating }}\n").unwrap();
    let r = run(airisk()
        .arg("report")
        .arg(fixture("assess/high.yaml"))
        .args(["--format", "markdown", "--template"])
        .arg(&good));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "Project High risk project: high");
    let bad = dir.path().join("bad.html.j2");
    std::fs::write(&bad, "line one\n{{ projet.name }}\n").unwrap();
    let r = run(airisk()
        .arg("report")
        .arg(fixture("assess/high.yaml"))
        .args(["--format", "html", "--template"])
        .arg(&bad));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.html.j2:2"), "{}", r.stderr);
    // Written to a file, the report is rendered straight into it: a template that fails
    // part-way leaves the earlier report as it was, and nothing else.
    let out = dir.path().join("out.html");
    std::fs::write(&out, "earlier report").unwrap();
    let r = run(airisk()
        .arg("report")
        .arg(fixture("assess/high.yaml"))
        .args(["--format", "html", "--template"])
        .arg(&bad)
        .arg("-o")
        .arg(&out));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.html.j2:2"), "{}", r.stderr);
    assert!(r.stderr.contains("not written"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "earlier report");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        3,
        "no temporary file is left"
    );
    let escaped = dir.path().join("esc.j2");
    std::fs::write(&escaped, "{{ project.name }}").unwrap();
    let r = run(airisk()
        .arg("report")
        .arg(fixture("hostile/hostile.yaml"))
        .args(["--format", "html", "--template"])
        .arg(&escaped));
    assert!(
        r.stdout.starts_with("&lt;script&gt;"),
        "a user template is escaped as HTML too: {}",
        r.stdout
    );
}

/// Templates raise to a power with the platform's `pow`.
#[test]
fn a_user_template_can_raise_to_a_power() {
    use std::fmt::Write as _;
    let dir = assert_fs::TempDir::new().unwrap();
    let template = dir.path().join("pow.md.j2");
    let cases: [(f64, f64); 6] = [
        (2.0, 0.5),
        (10.0, -2.0),
        (1.5, 3.0),
        (0.1, 0.3),
        (7.0, 2.5),
        (54.344, -2.304),
    ];
    let mut text = String::from("{{ 2 ** 10 }} {{ 2.0 ** 10 }} {{ 0.0 ** 0.5 }}");
    for (x, y) in cases {
        write!(text, " {{{{ {x:?} ** {y:?} }}}}").unwrap();
    }
    std::fs::write(&template, text).unwrap();
    let r = run(airisk()
        .arg("report")
        .arg(fixture("assess/high.yaml"))
        .args(["--format", "markdown", "--template"])
        .arg(&template));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut expected = String::from("1024 1024.0 0.0");
    for (x, y) in cases {
        write!(expected, " {}", x.powf(y)).unwrap();
    }
    assert_eq!(r.stdout, expected);
}

/// The hostile fixtures: markup and script, then text that must stay inert (hidden and
/// bidirectional characters, autolinks, mentions, references, CI commands).
const HOSTILE: &[&str] = &["hostile/hostile.yaml", "hostile/inert.yaml"];

fn hostile_report(format: &str) -> (assert_fs::TempDir, PathBuf, String) {
    hostile_report_of(HOSTILE[0], format)
}

fn hostile_report_of(answers: &str, format: &str) -> (assert_fs::TempDir, PathBuf, String) {
    report_of(answers, format, false)
}

/// A fixture's report written to a file, whole or (`summary`) as `--summary` gives it.
fn report_of(answers: &str, format: &str, summary: bool) -> (assert_fs::TempDir, PathBuf, String) {
    let dir = assert_fs::TempDir::new().unwrap();
    let out = dir.path().join(format!("hostile.{}", extension(format)));
    let r = run(airisk()
        .arg("report")
        .arg(fixture(answers))
        .args(["--format", format, "-o"])
        .arg(&out)
        .args(summary.then_some("--summary")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    (dir, out, text)
}

/// Characters a report never holds as themselves: C0 but newline and tab, DEL, C1, and
/// the bidirectional controls.
fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// No hidden character, and no line a CI runner would obey.
fn assert_inert(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|&c| is_hidden(c)) {
        panic!("{what} holds {c:?}");
    }
    for line in text.lines() {
        assert!(
            !line.trim_start_matches([' ', '\t']).starts_with("::"),
            "{what}: a workflow command: {line}"
        );
        assert!(!line.contains("##["), "{what}: a legacy command: {line}");
    }
}

#[test]
fn reports_show_hidden_characters_and_carry_no_ci_command() {
    for answers in HOSTILE {
        for format in ["markdown", "html"] {
            let (_dir, _, text) = hostile_report_of(answers, format);
            assert_inert(&format!("{answers} as {format}"), &text);
        }
    }
    let (_dir, _, md) = hostile_report_of(HOSTILE[1], "markdown");
    assert!(md.contains("\\\\u{1b}"), "ESC shows as \\u{{1b}}");
    assert!(md.contains("\\\\u{202e}"), "RLO shows as \\u{{202e}}");
    let (_dir, _, html) = hostile_report_of(HOSTILE[1], "html");
    assert!(html.contains("\\u{1b}[31mowner"), "ESC shows as \\u{{1b}}");
    assert!(
        html.contains("\\u{202e}evil\\u{202c}"),
        "bidi controls show"
    );
    assert!(html.contains("\\u{d}"), "a carriage return shows");
    // A user template printing text without the Markdown filters is made inert too.
    let dir = assert_fs::TempDir::new().unwrap();
    for format in ["markdown", "html"] {
        let template = dir.path().join(format!("raw.{}.j2", extension(format)));
        std::fs::write(
            &template,
            "{{ project.name }}\n{{ project.description }}\n{{ project.owner }}#\n\
             {% for q in questions %}{{ q.response.elaboration }}\n{% endfor %}",
        )
        .unwrap();
        let r = run(airisk()
            .arg("report")
            .arg(fixture(HOSTILE[1]))
            .args(["--format", format, "--template"])
            .arg(&template));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_inert(&format!("a raw {format} template"), &r.stdout);
    }
}

#[test]
fn markdown_defuses_autolinks_mentions_and_references() {
    let (_dir, _, md) = hostile_report_of(HOSTILE[1], "markdown");
    let lower = md.to_lowercase();
    for defused in [
        "someone@example.com",
        "@octocat",
        "#123",
        "#42",
        "mailto:",
        "xmpp:",
    ] {
        assert!(!lower.contains(defused), "{defused} is defused");
    }
    assert!(md.contains("someone@&#8288;example.com"), "{md}");
    assert!(md.contains("@&#8288;octocat"));
    assert!(md.contains("\\#&#8288;123"));
}

/// The Markdown as GitHub renders it (cmark-gfm with its extensions, autolinks among them):
/// only the report's own in-page links, no hidden character. Skips without python3 and
/// cmarkgfm (`pip install cmarkgfm`) unless AIRISK_REQUIRE_TOOLS=1.
#[test]
fn hostile_markdown_renders_inert_as_github_flavoured_markdown() {
    let script = "import sys, cmarkgfm\n\
        sys.stdout.write(cmarkgfm.github_flavored_markdown_to_html(sys.stdin.read()))\n";
    let Some(python) = tool("AIRISK_PYTHON", || {
        which("python3").filter(|p| {
            std::process::Command::new(p)
                .args(["-c", "import cmarkgfm"])
                .output()
                .is_ok_and(|o| o.status.success())
        })
    }) else {
        return;
    };
    let cases = HOSTILE
        .iter()
        .map(|answers| (*answers, &[][..]))
        .chain([(LINKS, EXPECTED_LINKS)]);
    for (answers, links) in cases {
        for summary in [false, true] {
            let (_dir, out, _) = report_of(answers, "markdown", summary);
            let output = std::process::Command::new(&python)
                .args(["-c", script])
                .stdin(std::fs::File::open(&out).unwrap())
                .output()
                .expect("python3 runs");
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let html = String::from_utf8(output.stdout).unwrap();
            // The summary has no evidence (that is in the answers): references only.
            let mut expected: Vec<&str> = links.to_vec();
            if summary {
                expected.retain(|l| !EVIDENCE_LINKS.contains(l));
            }
            rendered_markdown_is_inert(&format!("{answers}, summary {summary}"), &html, &expected);
        }
    }
}

/// The Markdown as cmark-gfm renders it: in-page links and the expected links only, and
/// every expected link there; no image, script or hidden character.
fn rendered_markdown_is_inert(what: &str, html: &str, links: &[&str]) {
    let links: Vec<String> = links.iter().map(|l| (*l).to_owned()).collect();
    assert!(html.contains("<h1>"), "rendered: {html}");
    let tags = parse_tags(html);
    for (name, attributes) in &tags {
        assert_ne!(name, "img", "{what}");
        for (attribute, value) in attributes {
            if attribute == "src" || (attribute == "href" && !value.starts_with('#')) {
                assert!(
                    attribute == "href" && links.contains(&decode_entities(value)),
                    "{what}: <{name} {attribute}={value}> is not an expected link"
                );
            }
        }
    }
    assert_eq!(external_links(&tags), links, "{what}");
    let lower = html.to_lowercase();
    for link in [
        "href=\"mailto:",
        "href=\"xmpp:",
        "href=\"www",
        "href=\"javascript",
    ] {
        assert!(!lower.contains(link), "{what}: {link} in {html}");
    }
    if let Some(c) = html.chars().find(|&c| is_hidden(c)) {
        panic!("{what}: rendered HTML holds {c:?}");
    }
    assert!(!html.contains("<script"), "{what}");
}

#[test]
fn hostile_markdown_cannot_change_structure() {
    for answers in HOSTILE {
        let (_dir, _, md) = hostile_report_of(answers, "markdown");
        markdown_structure_is_intact(&md);
    }
    let (_dir, _, md) = hostile_report("markdown");
    assert!(md.contains("&lt;script>"));
}

fn markdown_structure_is_intact(md: &str) {
    for line in md.lines() {
        assert!(!line.starts_with("# Heading injection"), "{line}");
        assert!(
            !line.starts_with("```"),
            "no code fence from an answer: {line}"
        );
        assert!(!line.starts_with("    indented"), "{line}");
        assert!(!line.contains("<script"), "{line}");
        assert!(!line.contains("<img"), "{line}");
        // `[` is escaped, so `](` opens no link (the rendering test shows it).
        assert!(!line.replace("\\[", "").contains("[link]("), "{line}");
        assert!(!line.contains("<!--"), "{line}");
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_string_lossy()
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists())
}

#[test]
fn hostile_html_stays_inert_in_chromium() {
    let Some(chromium) = tool("AIRISK_CHROMIUM", || which("chromium")) else {
        return;
    };
    for answers in HOSTILE {
        chromium_shows_text_only(&chromium, answers, &[]);
    }
    chromium_shows_text_only(&chromium, LINKS, EXPECTED_LINKS);
}

fn chromium_shows_text_only(chromium: &Path, answers: &str, links: &[&str]) {
    let (dir, out, html) = hostile_report_of(answers, "html");
    assert!(
        !html.contains("<x-evil"),
        "escaped before any browser sees it"
    );
    let profile = dir.path().join("profile");
    let output = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", out.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("</html>"),
        "chromium printed the DOM: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lower = dom.to_lowercase();
    assert!(!lower.contains("<x-pwned"), "an injected script ran");
    let tags = parse_tags(&dom);
    assert!(tags.len() > 50, "parsed the DOM: {} tags", tags.len());
    for (name, attributes) in &tags {
        assert!(
            ALLOWED_TAGS.contains(&name.as_str()),
            "injected element <{name}>"
        );
        for (attribute, value) in attributes {
            assert!(
                ALLOWED_ATTRIBUTES.contains(&attribute.as_str()) || attribute.starts_with("aria-"),
                "injected attribute {attribute} on <{name}>"
            );
            if attribute == "href" && !value.starts_with('#') {
                assert!(
                    links.contains(&decode_entities(value).as_str()),
                    "{answers}: an unexpected link: {value}"
                );
                assert!(
                    attributes.contains(&("rel".to_owned(), "noreferrer noopener".to_owned())),
                    "{answers}: a link without rel: {value}"
                );
            }
        }
    }
    assert_eq!(external_links(&tags), links, "{answers}: the links");
    assert!(
        tags.iter().any(|(n, _)| n == "svg") || links.is_empty(),
        "the chart is in the DOM"
    );
    assert_eq!(
        tags.iter().filter(|(n, _)| n == "style").count(),
        1,
        "only the report's own stylesheet"
    );
    assert!(
        answers != HOSTILE[0] || dom.contains("&lt;script&gt;"),
        "the hostile text is shown as text"
    );
    if let Some(c) = dom.chars().find(|&c| is_hidden(c)) {
        panic!("{answers}: the DOM holds {c:?}");
    }
}

const ALLOWED_TAGS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "main",
    "section",
    "article",
    "aside",
    "nav",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "colgroup",
    "col",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "span",
    "div",
    "blockquote",
    "br",
    "hr",
    "small",
    "abbr",
    "time",
    "sup",
    "sub",
    "mark",
    "details",
    "summary",
    "figure",
    "figcaption",
    "kbd",
    "q",
    "s",
    "cite",
    // The charts: inline SVG shapes and text, nothing that loads or runs anything.
    "svg",
    "desc",
    "g",
    "rect",
    "line",
    "text",
];

const ALLOWED_ATTRIBUTES: &[&str] = &[
    "class",
    "id",
    "href",
    "lang",
    "charset",
    "name",
    "content",
    "http-equiv",
    "scope",
    "colspan",
    "rowspan",
    "title",
    "role",
    "datetime",
    "start",
    "value",
    "dir",
    "translate",
    "open",
    "headers",
    "span",
    "rel",
    "tabindex",
    // SVG geometry and the chart's text alternative.
    "viewbox",
    "width",
    "height",
    "x",
    "y",
    "x1",
    "x2",
    "y1",
    "y2",
    "text-anchor",
];

/// Element names and attributes of a serialized DOM, in order. Text is escaped in a
/// serialized DOM, so every `<` outside an attribute value opens a tag.
fn parse_tags(dom: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut tags = Vec::new();
    let bytes: Vec<char> = dom.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != '<' {
            i += 1;
            continue;
        }
        i += 1;
        if i < bytes.len() && (bytes[i] == '/' || bytes[i] == '!') {
            while i < bytes.len() && bytes[i] != '>' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_whitespace() && bytes[i] != '>' && bytes[i] != '/' {
            i += 1;
        }
        let name: String = bytes[start..i].iter().collect::<String>().to_lowercase();
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_whitespace() || bytes[i] == '/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == '>' {
                i += 1;
                break;
            }
            let a = i;
            while i < bytes.len() && !bytes[i].is_whitespace() && bytes[i] != '=' && bytes[i] != '>'
            {
                i += 1;
            }
            let attribute: String = bytes[a..i].iter().collect::<String>().to_lowercase();
            let mut value = String::new();
            if i < bytes.len() && bytes[i] == '=' {
                i += 1;
                let quote = bytes.get(i).copied().filter(|c| *c == '"' || *c == '\'');
                if let Some(q) = quote {
                    i += 1;
                    while i < bytes.len() && bytes[i] != q {
                        value.push(bytes[i]);
                        i += 1;
                    }
                    i += 1;
                } else {
                    while i < bytes.len() && !bytes[i].is_whitespace() && bytes[i] != '>' {
                        value.push(bytes[i]);
                        i += 1;
                    }
                }
            }
            attributes.push((attribute, value));
        }
        tags.push((name, attributes));
    }
    tags
}

#[test]
fn reports_are_valid_html5() {
    let Some(jar) = tool("AIRISK_VNU_JAR", || {
        Some(root().join(".ci/node_modules/vnu-jar/build/dist/vnu.jar")).filter(|p| p.exists())
    }) else {
        return;
    };
    let dir = assert_fs::TempDir::new().unwrap();
    let mut files = Vec::new();
    for name in EXAMPLES {
        let path = dir.path().join(format!("{name}.html"));
        std::fs::write(&path, render(&format!("examples/{name}.yaml"), "html")).unwrap();
        files.push(path);
    }
    for (round, extra) in REVIEW_ROUNDS {
        let path = dir.path().join(format!("{round}.html"));
        std::fs::write(&path, render_round(round, extra, "html")).unwrap();
        files.push(path);
    }
    let mut hostile_dirs = Vec::new();
    for answers in HOSTILE.iter().chain([&LINKS]) {
        let (dir, hostile, _) = hostile_report_of(answers, "html");
        files.push(hostile);
        hostile_dirs.push(dir);
    }
    let output = std::process::Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--also-check-css", "--Werror"])
        .args(&files)
        .output()
        .expect("java runs the Nu HTML Checker");
    assert!(
        output.status.success(),
        "Nu HTML Checker: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn markdown_summary_fits_a_github_comment_and_says_what_it_leaves_out() {
    for name in EXAMPLES {
        let r = run(airisk().current_dir(root()).args([
            "report",
            &format!("examples/{name}.yaml"),
            "--format",
            "markdown",
            "--summary",
        ]));
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let md = r.stdout;
        assert!(
            md.chars().count() <= 60_000,
            "{name}: {} characters",
            md.chars().count()
        );
        for part in [
            "## Executive summary",
            "### Open findings by section",
            "### Top actions",
        ] {
            assert!(md.contains(part), "{name}: {part}");
        }
        assert!(md.contains("This summary leaves out"), "{name}");
        assert!(!md.contains("## Appendix"), "{name}");
        assert!(!md.contains("SHA-256 |"), "{name}: no inputs table");
        let whole = render(&format!("examples/{name}.yaml"), "markdown");
        let findings = |text: &str| {
            text.lines()
                .filter(|l| l.starts_with("#### ") && l.contains(". "))
                .count()
        };
        let left_out = md
            .split("This summary leaves out the ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        // Findings are headed `#### N. SEVERITY: question` in both; the appendix's
        // questions are headed by their id alone.
        assert_eq!(findings(&md) + left_out, findings(&whole), "{name}");
    }
    // The prototype's 71 findings do not all fit: the least severe are left out.
    let r = run(airisk().current_dir(root()).args([
        "report",
        "examples/prototype-triage.yaml",
        "--format",
        "markdown",
        "--summary",
    ]));
    assert!(
        r.stdout.contains("least severe of the 71 open findings"),
        "{}",
        &r.stdout[..3000]
    );
}

#[test]
fn summary_is_for_markdown_without_a_template() {
    let r = run(airisk().current_dir(root()).args([
        "report",
        "examples/mature-fraud-model.yaml",
        "--format",
        "html",
        "--summary",
    ]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--summary is for --format markdown"),
        "{}",
        r.stderr
    );
    let r = run(airisk().current_dir(root()).args([
        "report",
        "examples/mature-fraud-model.yaml",
        "--format",
        "markdown",
        "--summary",
        "--template",
        "x.md.j2",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
}

/// The most pages each example may print to, on A4 or Letter (today 36 to 39, 22 to 23,
/// 16 to 17 and 13 to 14: the margin is for other fonts).
const PAGE_BOUNDS: &[(&str, usize)] = &[
    ("mature-fraud-model", 20),
    ("prototype-triage", 45),
    ("llm-support-chatbot", 28),
    ("ml-test-score-recsys", 17),
    ("csa-cargo-screening", 14),
];

/// The report printed to PDF as the README says, on A4 and on Letter: page one holds
/// the decision (rating, readiness, counts, chart, top actions) and the running footer,
/// the inputs' hashes come at the end, and the page count stays within its bound.
#[test]
fn examples_print_to_pdf_with_the_decision_on_page_one() {
    let Some(chromium) = tool("AIRISK_CHROMIUM", || which("chromium")) else {
        return;
    };
    let Some(pdftotext) = tool("AIRISK_PDFTOTEXT", || which("pdftotext")) else {
        return;
    };
    let pdfinfo = pdftotext.with_file_name("pdfinfo");
    let dir = assert_fs::TempDir::new().unwrap();
    for &(name, bound) in PAGE_BOUNDS {
        let html = render(&format!("examples/{name}.yaml"), "html");
        let r = run(airisk().current_dir(root()).args([
            "assess",
            &format!("examples/{name}.yaml"),
            "--format",
            "json",
            "--fail-on",
            "none",
        ]));
        let assessment: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let rating = assessment["rating"].as_str().unwrap().to_uppercase();
        let fifth = assessment["findings"]
            .as_array()
            .unwrap()
            .iter()
            .take(5)
            .next_back()
            .map(|f| f["question"].as_str().unwrap().to_owned());
        for size in ["A4", "letter"] {
            let page = dir.path().join(format!("{name}-{size}.html"));
            std::fs::write(
                &page,
                html.replacen(
                    "</style>",
                    &format!("@page {{ size: {size}; }}\n</style>"),
                    1,
                ),
            )
            .unwrap();
            let pdf = dir.path().join(format!("{name}-{size}.pdf"));
            let output = std::process::Command::new(&chromium)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-pdf-header-footer",
                ])
                .arg(format!(
                    "--user-data-dir={}",
                    dir.path().join("profile").display()
                ))
                .arg(format!("--print-to-pdf={}", pdf.display()))
                .arg(format!("file://{}", page.display()))
                .output()
                .expect("chromium runs");
            assert!(
                pdf.exists(),
                "{name} {size}: no PDF: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let info = std::process::Command::new(&pdfinfo)
                .arg(&pdf)
                .output()
                .unwrap();
            let info = String::from_utf8_lossy(&info.stdout).into_owned();
            let pages: usize = info
                .lines()
                .find_map(|l| l.strip_prefix("Pages:"))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("{name} {size}: {info}"));
            assert!(
                pages <= bound,
                "{name} {size}: {pages} pages, more than {bound}"
            );
            let text = |first: usize, last: usize| {
                let out = std::process::Command::new(&pdftotext)
                    .args(["-layout", "-f", &first.to_string(), "-l", &last.to_string()])
                    .arg(&pdf)
                    .arg("-")
                    .output()
                    .unwrap();
                String::from_utf8_lossy(&out.stdout).into_owned()
            };
            let one = text(1, 1);
            // The ML Test Score checklist labels the rules' rating "Findings".
            let label = if name.starts_with("ml-test-score") {
                "FINDINGS"
            } else {
                "OVERALL RISK"
            };
            for needle in [
                label,
                rating.as_str(),
                "READINESS",
                "OPEN FINDINGS",
                "Executive summary",
                "Open findings by section, stacked",
                "Top actions",
                &format!("Page 1 of {pages}"),
            ] {
                assert!(
                    one.contains(needle),
                    "{name} {size}: page 1 lacks {needle:?}:\n{one}"
                );
            }
            if let Some(question) = &fifth {
                // A long id may wrap at a hyphen.
                let joined: String = one.split_whitespace().collect();
                assert!(
                    joined.contains(question.as_str()),
                    "{name} {size}: the top actions run past page 1:\n{one}"
                );
            }
            assert!(
                !one.contains("Inputs and their SHA-256"),
                "{name} {size}: hashes on page 1"
            );
            let end = text(pages.saturating_sub(2).max(1), pages);
            assert!(
                end.contains("Inputs and their SHA-256") && end.contains("Method"),
                "{name} {size}: the end:\n{end}"
            );
        }
    }
}

/// Accessibility as axe-core checks it in Chromium (WCAG 2.1 A and AA, contrast
/// included, and axe's best practices: heading order, table headers, landmarks, text
/// alternatives): no violation in any example or the links fixture. axe runs in a copy
/// of the report with the CSP removed and axe's script added, and writes what it found
/// into the page, which Chromium then prints.
#[test]
fn reports_pass_axe_core_in_chromium() {
    let Some(chromium) = tool("AIRISK_CHROMIUM", || which("chromium")) else {
        return;
    };
    let Some(axe) = tool("AIRISK_AXE", || {
        Some(root().join(".ci/node_modules/axe-core/axe.min.js")).filter(|p| p.exists())
    }) else {
        return;
    };
    let axe = std::fs::read_to_string(axe)
        .unwrap()
        .replace("</script", "<\\/script");
    let runner = "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', \
        'wcag21a', 'wcag21aa', 'best-practice']}}).then(function (r) {\n\
        var out = document.createElement('pre'); out.id = 'axe-result';\n\
        out.textContent = JSON.stringify(r.violations.map(function (v) { return {id: v.id, \
        nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(' ') + ': ' + \
        n.failureSummary; })}; }));\n\
        document.body.appendChild(out);\n\
        }, function (e) { var out = document.createElement('pre'); out.id = 'axe-result'; \
        out.textContent = 'axe failed: ' + e; document.body.appendChild(out); });";
    let dir = assert_fs::TempDir::new().unwrap();
    let mut pages: Vec<(String, String)> = EXAMPLES
        .iter()
        .map(|name| {
            (
                (*name).to_owned(),
                render(&format!("examples/{name}.yaml"), "html"),
            )
        })
        .collect();
    let (_links_dir, _, links) = hostile_report_of(LINKS, "html");
    pages.push((LINKS.replace('/', "-"), links));
    for (name, html) in pages {
        let csp_start = html
            .find("<meta http-equiv=\"Content-Security-Policy\"")
            .unwrap();
        let csp_end = csp_start + html[csp_start..].find('>').unwrap() + 1;
        let page = format!(
            "{}{}",
            &html[..csp_start],
            &html[csp_end..].replacen(
                "</body>",
                &format!("<script>{axe}</script><script>{runner}</script></body>"),
                1
            )
        );
        let path = dir.path().join(format!("{name}.html"));
        std::fs::write(&path, page).unwrap();
        let output = std::process::Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--virtual-time-budget=30000",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .arg("--dump-dom")
            .arg(format!("file://{}", path.display()))
            .output()
            .expect("chromium runs");
        let dom = String::from_utf8_lossy(&output.stdout);
        let result = dom
            .split("<pre id=\"axe-result\">")
            .nth(1)
            .and_then(|rest| rest.split("</pre>").next())
            .unwrap_or_else(|| {
                panic!(
                    "{name}: axe wrote no result: {}",
                    String::from_utf8_lossy(&output.stderr)
                )
            });
        assert_eq!(result, "[]", "{name}: axe-core found violations");
    }
}

/// The assessment of an example as `assess --format json` gives it.
fn assessment_of(name: &str) -> serde_json::Value {
    let r = run(airisk().current_dir(root()).args([
        "assess",
        &format!("examples/{name}.yaml"),
        "--format",
        "json",
        "--fail-on",
        "none",
    ]));
    serde_json::from_str(&r.stdout).unwrap()
}

/// The HTML between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    &html[from..from + html[from..].find(end).unwrap()]
}

/// In the appendix a question's status says whether its control is in place; a
/// severity is a coloured tag only on a gap (an open finding), so a satisfied critical
/// question is not shown as a red CRITICAL.
#[test]
fn appendix_status_tells_a_control_in_place_from_a_gap() {
    let mut in_place_critical = 0;
    for name in EXAMPLES {
        let html = render(&format!("examples/{name}.yaml"), "html");
        let assessment = assessment_of(name);
        for q in assessment["questions"].as_array().unwrap() {
            let id = q["id"].as_str().unwrap();
            let severity = q["question"]["severity"].as_str().unwrap();
            let row = between(&html, &format!("<tr id=\"q-{id}\">"), "</tr>");
            if q["findings"].as_u64().unwrap() > 0 {
                assert!(
                    row.contains(&format!(
                        "<span class=\"tag sev-{severity}\">{} GAP</span>",
                        severity.to_uppercase()
                    )),
                    "{name} {id}: {row}"
                );
            } else {
                assert!(
                    !row.contains("class=\"tag sev-"),
                    "{name} {id}: a severity tag without a gap: {row}"
                );
                if q["response"]["answer"] == "Y" {
                    assert!(row.contains("IN PLACE"), "{name} {id}: {row}");
                    in_place_critical += usize::from(severity == "critical");
                }
            }
        }
    }
    assert!(
        in_place_critical > 0,
        "the examples hold a satisfied critical question"
    );
}

/// The chart holds the sections' numbers: in its text alternative, in its bars' counts
/// and totals, and in the table that follows.
#[test]
fn the_chart_shows_the_open_findings_of_each_section() {
    for name in EXAMPLES {
        let html = render(&format!("examples/{name}.yaml"), "html");
        let assessment = assessment_of(name);
        let svg = between(&html, "<svg class=\"chart\"", "</svg>");
        assert!(!svg.contains("<script") && !svg.contains("href"), "{name}");
        let desc = between(svg, "<desc id=\"chart-desc\">", "</desc>");
        let totals: Vec<u64> = svg
            .match_indices("<text class=\"total\"")
            .map(|(i, _)| between(&svg[i..], ">", "<").parse().unwrap())
            .collect();
        let sections = assessment["sections"].as_array().unwrap();
        assert_eq!(totals.len(), sections.len(), "{name}");
        for (s, total) in sections.iter().zip(totals) {
            let f = &s["findings"];
            let counts = ["critical", "high", "medium", "low"].map(|l| f[l].as_u64().unwrap());
            let title = s["title"].as_str().unwrap().replace('\'', "&#x27;");
            assert!(
                desc.contains(&format!(
                    "{title}: {} critical, {} high, {} medium, {} low.",
                    counts[0], counts[1], counts[2], counts[3]
                )),
                "{name}: {desc}"
            );
            assert_eq!(total, counts.iter().sum::<u64>(), "{name} {title}");
        }
        let table = between(&html, "<table class=\"sections\">", "</table>");
        assert!(
            table.contains("<th scope=\"col\" class=\"num\">Critical</th>"),
            "{name}"
        );
        assert_eq!(
            table.matches("<tr><th scope=\"row\">").count(),
            sections.len() + 1,
            "{name}: a row per section and the totals"
        );
        if name.starts_with("ml-test-score") {
            assert!(
                html.contains("<title id=\"points-title\">ML Test Score points by section"),
                "{name}"
            );
        }
    }
}

/// The running footer's project name is a CSS string of letters, digits, spaces and
/// escapes only, whatever the name holds.
#[test]
fn the_running_footer_is_an_inert_css_string() {
    for answers in HOSTILE {
        let (_dir, _, html) = hostile_report_of(answers, "html");
        let content = between(&html, "@bottom-left { content: \"", "\";");
        assert!(
            content
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '\\'),
            "{answers}: {content}"
        );
    }
}

/// A colour `#rrggbb` of the HTML template's stylesheet, found after `selector`.
fn template_colour(css: &str, selector: &str, property: &str) -> [f64; 3] {
    let rule = between(css, &format!("{selector} {{"), "}");
    let value = between(rule, &format!("{property}: #"), ";");
    let hex = &value[..6];
    [0, 2, 4].map(|i| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0)
}

/// WCAG 2.1 contrast ratio of two sRGB colours.
fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let luminance = |c: [f64; 3]| {
        let lin = |v: f64| {
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// axe-core checks the HTML's text; the counts written on the chart's bars are SVG text,
/// checked here from the template's stylesheet: at least 4.5:1 (WCAG AA) against their
/// bar, and the bars stay apart in greyscale (lightness falls from low to critical).
#[test]
fn chart_counts_meet_wcag_aa_contrast_on_their_bars() {
    let css = include_str!("../templates/report.html.j2");
    let white = [1.0, 1.0, 1.0];
    let text = [
        f64::from(0x1f_u8) / 255.0,
        f64::from(0x23_u8) / 255.0,
        f64::from(0x28_u8) / 255.0,
    ];
    assert!(css.contains("--fg: #1f2328;"), "the text colour");
    let bar = |level: &str| template_colour(css, &format!("svg.chart .bar-{level}"), "fill");
    for (level, on) in [
        ("critical", white),
        ("high", white),
        ("medium", text),
        ("low", text),
    ] {
        let ratio = contrast(bar(level), on);
        assert!(ratio >= 4.5, "{level}: {ratio:.2}");
    }
    let mut previous = 0.0;
    for level in ["critical", "high", "medium", "low"] {
        let lightness = contrast(bar(level), [0.0, 0.0, 0.0]);
        assert!(
            lightness > previous * 1.3,
            "{level} is not clearly lighter than the level before it"
        );
        previous = lightness;
    }
    assert!(css.contains("svg.chart .count-critical, svg.chart .count-high { fill: #fff; }"));
}
