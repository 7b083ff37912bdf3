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
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Renders a report with the paths as the README shows them (relative to the repository).
fn render(answers: &str, format: &str) -> String {
    let r = run(airisk()
        .current_dir(root())
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
    assert!(round1.contains("changed since: mon-drift, mon-alerting, mon-end-of-life"));
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
        a.contains("2023-11-14"),
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
        "2023-11-14",
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
        "<script",
        "<link",
        "src=\"http",
        "href=\"http",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
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
    let dir = assert_fs::TempDir::new().unwrap();
    let out = dir.path().join(format!("hostile.{}", extension(format)));
    let r = run(airisk()
        .arg("report")
        .arg(fixture(answers))
        .args(["--format", format, "-o"])
        .arg(&out));
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
    assert!(md.contains("\\\\u\\{1b\\}"), "ESC shows as \\u{{1b}}");
    assert!(md.contains("\\\\u\\{202e\\}"), "RLO shows as \\u{{202e}}");
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
    for answers in HOSTILE {
        let (_dir, out, _) = hostile_report_of(answers, "markdown");
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
        assert!(html.contains("<h1>"), "rendered: {html}");
        for (name, attributes) in parse_tags(&html) {
            for (attribute, value) in attributes {
                if attribute == "href" || attribute == "src" {
                    assert!(
                        value.starts_with('#'),
                        "{answers}: <{name} {attribute}={value}> is not an in-page link"
                    );
                }
            }
        }
        let lower = html.to_lowercase();
        for link in [
            "href=\"mailto:",
            "href=\"xmpp:",
            "href=\"http",
            "href=\"www",
        ] {
            assert!(!lower.contains(link), "{answers}: {link} in {html}");
        }
        if let Some(c) = html.chars().find(|&c| is_hidden(c)) {
            panic!("{answers}: rendered HTML holds {c:?}");
        }
        assert!(!html.contains("<script"), "{answers}");
    }
}

#[test]
fn hostile_markdown_cannot_change_structure() {
    for answers in HOSTILE {
        let (_dir, _, md) = hostile_report_of(answers, "markdown");
        markdown_structure_is_intact(&md);
    }
    let (_dir, _, md) = hostile_report("markdown");
    assert!(md.contains("&lt;script&gt;"));
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
        assert!(!line.contains("](javascript"), "{line}");
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
        chromium_shows_text_only(&chromium, answers);
    }
}

fn chromium_shows_text_only(chromium: &Path, answers: &str) {
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
            if attribute == "href" {
                assert!(value.starts_with('#'), "only in-page links: {value}");
            }
        }
    }
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
    for answers in HOSTILE {
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
